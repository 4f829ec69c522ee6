// One photo: the image with its detections drawn over it, the detections to confirm or reject, its tags and
// what the camera recorded.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Facts as FactList } from '../../ui/Facts';
import { ErrorBox, formatDate, Loading, PageHeader } from '../../ui/ui';
import { type Detection, type Photo, percent, regionsOf, useDetections, usePhoto, useReview } from './api';
import './photos.css';
import { colorOf, DetectionOverlay } from './Overlay';
import { TagEditor } from './TagEditor';

export function DetectionCard({
  detection,
  index,
  onFocus,
}: {
  detection: Detection;
  index: number;
  onFocus?: (id: number | null) => void;
}) {
  const { confirm, reject } = useReview();
  const [feedback, setFeedback] = useState('');
  const pending = confirm.isPending || reject.isPending;
  const labels = regionsOf(detection).map((r) => r.label);
  const feedbackId = `feedback-${detection.id}`;
  return (
    <li
      className="ph-detection"
      onMouseEnter={() => onFocus?.(detection.id)}
      onMouseLeave={() => onFocus?.(null)}
      onFocus={() => onFocus?.(detection.id)}
    >
      <div className="card-head">
        <strong>
          <span className="swatch" style={{ background: colorOf(index) }} aria-hidden="true" />{' '}
          {labels.length ? labels.join(', ') : detection.detection_type}
        </strong>
        <span className={`state state-${detection.status}`}>{detection.status}</span>
      </div>
      <p className="muted small">
        {detection.detection_type} · {detection.model_name}
        {detection.model_version ? ` ${detection.model_version}` : ''} · confidence{' '}
        {percent(detection.confidence)}
      </p>
      {detection.status === 'pending' ? (
        <form
          className="ph-review-actions"
          aria-label={`Review detection ${detection.id}`}
          onSubmit={(e) => {
            e.preventDefault();
            reject.mutate({ id: detection.id, feedback: feedback.trim() || 'rejected in review' });
          }}
        >
          <button
            type="button"
            className="primary"
            disabled={pending}
            onClick={() => confirm.mutate(detection.id)}
          >
            Confirm
          </button>
          <label htmlFor={feedbackId} className="visually-hidden">
            Why reject detection {detection.id}
          </label>
          <input
            id={feedbackId}
            placeholder="Why reject (optional)"
            value={feedback}
            maxLength={5000}
            onChange={(e) => setFeedback(e.target.value)}
          />
          <button type="submit" className="danger" disabled={pending}>
            Reject
          </button>
        </form>
      ) : null}
      <ErrorBox error={confirm.error ?? reject.error} />
    </li>
  );
}

function Facts({ photo }: { photo: Photo }) {
  const rows: [string, string][] = [
    ['Taken', formatDate(photo.captured_at)],
    ['Uploaded', formatDate(photo.created_at)],
    ['Size', photo.width && photo.height ? `${photo.width} × ${photo.height} px` : '—'],
    ['File', `${photo.mime_type}, ${(photo.size / 1024).toFixed(0)} KiB`],
    [
      'Position',
      photo.latitude != null && photo.longitude != null
        ? `${photo.latitude.toFixed(5)}, ${photo.longitude.toFixed(5)}`
        : '—',
    ],
  ];
  return <FactList rows={rows} className="ph-facts" />;
}

export default function PhotoView() {
  const id = Number(useParams().id);
  const photo = usePhoto(id);
  const detections = useDetections(id);
  const [focus, setFocus] = useState<number | null>(null);
  if (!Number.isInteger(id) || id <= 0) return <ErrorBox error={new Error('This is not a photo address.')} />;
  const p = photo.data;
  const list = detections.data ?? [];
  return (
    <>
      {p ? (
        <p className="breadcrumb">
          <Link to={`/projects/${p.project}/photos`}>Photos</Link>
        </p>
      ) : null}
      {photo.isLoading ? <Loading what="Loading the photo" /> : null}
      <ErrorBox error={photo.error} />
      {p ? (
        <>
          <PageHeader title={p.name}>
            <a className="button-link" href={p.urls.original} download={p.name}>
              Download original
            </a>
          </PageHeader>
          <div className="ph-view">
            <div>
              {p.status === 'failed' ? <p className="error">{p.error ?? 'Processing failed.'}</p> : null}
              <DetectionOverlay
                src={p.urls.large ?? p.urls.original}
                alt={p.description ?? p.name}
                detections={list}
                highlight={focus}
              />
              {p.status === 'uploaded' || p.status === 'processing' ? (
                <Loading what="Making thumbnails and looking for detections" />
              ) : null}
            </div>
            <div>
              <section className="panel" aria-labelledby="det-h">
                <h2 id="det-h">Detections</h2>
                <ErrorBox error={detections.error} />
                {detections.isLoading ? <Loading what="Loading detections" /> : null}
                {detections.data && list.length === 0 ? (
                  <p className="muted">No detections on this photo.</p>
                ) : null}
                <ul className="ph-detections">
                  {list.map((d, i) => (
                    <DetectionCard key={d.id} detection={d} index={i} onFocus={setFocus} />
                  ))}
                </ul>
              </section>
              <section className="panel" aria-labelledby="tags-h">
                <h2 id="tags-h">Tags</h2>
                <TagEditor photo={p} />
              </section>
              <section className="panel" aria-labelledby="facts-h">
                <h2 id="facts-h">Details</h2>
                <Facts photo={p} />
              </section>
            </div>
          </div>
        </>
      ) : null}
    </>
  );
}
