// A project's photos: upload, filters (tag, capture dates, detections), thumbnails loaded page after page as
// the list scrolls into view (cursor paging; a "Load more" button does the same from the keyboard).
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { Empty, ErrorBox, Field, Loading, PageHeader, Select } from '../../ui/ui';
import { type Photo, type PhotoFilters, usePhotoPages, useProjectTags } from './api';
import './photos.css';
import { Uploader } from './Uploader';

const DETECTION_OPTIONS = [
  { value: '', label: 'Any photo' },
  { value: 'unconfirmed', label: 'Detections to review' },
  { value: 'damage', label: 'Damage detected' },
  { value: 'material', label: 'Material detected' },
  { value: 'volume', label: 'Volume detected' },
  { value: 'quality', label: 'Quality issue detected' },
];

function filtersOf(tag: string, from: string, to: string, detections: string): PhotoFilters {
  const f: PhotoFilters = {};
  if (tag) f.tag = Number(tag);
  // Dates are days in the person's time zone: from the start of `from` to the end of `to`.
  if (from) f.captured_from = new Date(`${from}T00:00:00`).toISOString();
  if (to) f.captured_to = new Date(`${to}T23:59:59.999`).toISOString();
  if (detections === 'unconfirmed') f.has_unconfirmed = true;
  else if (detections) f.detection_type = detections as PhotoFilters['detection_type'];
  return f;
}

function Thumb({ photo }: { photo: Photo }) {
  const waiting = photo.status === 'uploaded' || photo.status === 'processing';
  return (
    <li className="ph-card">
      <Link to={`/photos/${photo.id}`} className="ph-thumb" aria-label={`Open ${photo.name}`}>
        {photo.urls.small ? (
          <img src={photo.urls.small} alt="" loading="lazy" width={256} height={192} />
        ) : (
          <span className="ph-placeholder">
            {waiting ? 'Processing…' : photo.status === 'failed' ? 'Failed' : ''}
          </span>
        )}
      </Link>
      <div className="ph-caption">
        <span className="ph-name" title={photo.name}>
          {photo.name}
        </span>
        {photo.captured_at ? (
          <span className="muted small">{new Date(photo.captured_at).toLocaleDateString()}</span>
        ) : null}
        {photo.tags.length ? (
          <span className="ph-tags small">
            {photo.tags.slice(0, 3).map((t) => (
              <span key={t.id} className="badge">
                {t.name}
              </span>
            ))}
          </span>
        ) : null}
        {photo.status === 'failed' && photo.error ? <span className="error small">{photo.error}</span> : null}
      </div>
    </li>
  );
}

export default function Gallery() {
  const projectId = Number(useParams().id);
  const [tag, setTag] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [detections, setDetections] = useState('');
  const project = useQuery({
    queryKey: ['project', projectId],
    queryFn: () => call(api.GET('/api/projects/{id}', { params: { path: { id: projectId } } })),
  });
  const tags = useProjectTags(projectId);
  const photos = usePhotoPages(projectId, filtersOf(tag, from, to, detections));
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = photos;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const seen = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '400px' },
    );
    seen.observe(el);
    return () => seen.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const all = photos.data?.pages.flatMap((p) => p.results) ?? [];
  const filtered = Boolean(tag || from || to || detections);
  const title = project.data ? `Photos · ${project.data.title}` : 'Photos';

  return (
    <>
      <p className="breadcrumb">
        <Link to="/projects">Projects</Link> /{' '}
        <Link to={`/projects/${projectId}`}>{project.data?.title ?? `Project ${projectId}`}</Link>
      </p>
      <PageHeader title={title}>
        <Link className="button-link" to={`/projects/${projectId}/review`}>
          Review queue
        </Link>
      </PageHeader>
      <ErrorBox error={project.error} />
      {project.data && !project.data.modules.includes('photos') ? (
        <p className="notice" role="status">
          The photos module is not enabled on this project; enable it in the project's settings to upload.
        </p>
      ) : null}
      <Uploader projectId={projectId} />
      <form className="toolbar" aria-label="Filter photos" onSubmit={(e) => e.preventDefault()}>
        <Select
          label="Tag"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          options={[
            { value: '', label: 'All tags' },
            ...(tags.data?.results ?? []).map((t) => ({ value: t.id, label: t.name })),
          ]}
        />
        <Field label="Taken from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <Field label="Taken until" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        <Select
          label="Detections"
          value={detections}
          onChange={(e) => setDetections(e.target.value)}
          options={DETECTION_OPTIONS}
        />
        {filtered ? (
          <button
            type="button"
            onClick={() => {
              setTag('');
              setFrom('');
              setTo('');
              setDetections('');
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      <ErrorBox error={photos.error ?? tags.error} />
      {photos.isLoading ? <Loading what="Loading photos" /> : null}
      {photos.data && all.length === 0 ? (
        <Empty>{filtered ? 'No photo matches these filters.' : 'No photos yet. Upload some above.'}</Empty>
      ) : null}
      {all.length ? (
        <ul className="ph-grid" aria-label="Photos">
          {all.map((p) => (
            <Thumb key={p.id} photo={p} />
          ))}
        </ul>
      ) : null}
      <div ref={sentinel} />
      {hasNextPage ? (
        <button type="button" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
          {isFetchingNextPage ? 'Loading more…' : 'Load more photos'}
        </button>
      ) : null}
    </>
  );
}
