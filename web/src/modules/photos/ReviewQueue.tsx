// The review queue: detections awaiting review, lowest confidence first, one at a time over their photo.
// Keys: C confirms, R rejects (with the reason typed, if any), N or → skips to the next, P or ← goes back,
// T jumps to the tag field. Keys typed into a field are the field's.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { Empty, ErrorBox, Loading, PageHeader } from '../../ui/ui';
import { type Detection, percent, regionsOf, usePhoto, useReview } from './api';
import './photos.css';
import { DetectionOverlay } from './Overlay';
import { TagEditor } from './TagEditor';

function useQueue(projectId: number) {
  return useInfiniteQuery({
    queryKey: ['detections', 'queue', projectId],
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/projects/{id}/review-queue', {
          params: {
            path: { id: projectId },
            query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

function Current({
  detection,
  position,
  total,
  onNext,
  onPrevious,
  onReviewed,
}: {
  detection: Detection;
  position: number;
  total: string;
  onNext: () => void;
  onPrevious: () => void;
  onReviewed: (what: string) => void;
}) {
  const photo = usePhoto(detection.photo);
  const { confirm, reject } = useReview();
  const [feedback, setFeedback] = useState('');
  const tagInput = useRef<HTMLInputElement>(null);
  const pending = confirm.isPending || reject.isPending;

  // mutateAsync, not mutate's callbacks: the reviewed detection leaves the queue and this view unmounts
  // before per-call callbacks would run.
  const doConfirm = () => {
    if (pending) return;
    confirm.mutateAsync(detection.id).then(
      () => onReviewed(`Detection ${detection.id} confirmed.`),
      () => {},
    );
  };
  const doReject = () => {
    if (pending) return;
    reject
      .mutateAsync({ id: detection.id, feedback: feedback.trim() || 'rejected in the review queue' })
      .then(
        () => onReviewed(`Detection ${detection.id} rejected.`),
        () => {},
      );
  };

  // The handlers change every render; the listener reads the latest through a ref.
  const keys = useRef({ doConfirm, doReject, onNext, onPrevious });
  keys.current = { doConfirm, doReject, onNext, onPrevious };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
      const k = keys.current;
      const key = e.key.toLowerCase();
      if (key === 'c') k.doConfirm();
      else if (key === 'r') k.doReject();
      else if (key === 'n' || key === 'arrowright') k.onNext();
      else if (key === 'p' || key === 'arrowleft') k.onPrevious();
      else if (key === 't') tagInput.current?.focus();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const labels = regionsOf(detection).map((r) => r.label);
  return (
    <div className="ph-view">
      <div>
        <ErrorBox error={photo.error} />
        {photo.data ? (
          <DetectionOverlay
            src={photo.data.urls.large ?? photo.data.urls.original}
            alt={photo.data.name}
            detections={[detection]}
          />
        ) : (
          <Loading what="Loading the photo" />
        )}
      </div>
      <div>
        <section className="panel" aria-labelledby="rq-h">
          <h2 id="rq-h">
            {position} of {total}: {labels.length ? labels.join(', ') : detection.detection_type}
          </h2>
          <p className="muted">
            {detection.detection_type} · {detection.model_name} · confidence {percent(detection.confidence)}
            {photo.data ? (
              <>
                {' · '}
                <Link to={`/photos/${photo.data.id}`}>{photo.data.name}</Link>
              </>
            ) : null}
          </p>
          <div className="field">
            <label htmlFor="rq-feedback">Reason, when rejecting</label>
            <input
              id="rq-feedback"
              value={feedback}
              maxLength={5000}
              onChange={(e) => setFeedback(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') doReject();
              }}
            />
          </div>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={pending}
              onClick={doConfirm}
              aria-keyshortcuts="c"
            >
              Confirm (C)
            </button>
            <button
              type="button"
              className="danger"
              disabled={pending}
              onClick={doReject}
              aria-keyshortcuts="r"
            >
              Reject (R)
            </button>
            <button type="button" onClick={onPrevious} aria-keyshortcuts="p" disabled={position <= 1}>
              Previous (P)
            </button>
            <button type="button" onClick={onNext} aria-keyshortcuts="n">
              Next (N)
            </button>
          </div>
          <ErrorBox error={confirm.error ?? reject.error} />
        </section>
        {photo.data ? (
          <section className="panel" aria-labelledby="rq-tags-h">
            <h2 id="rq-tags-h">Tags of the photo (T)</h2>
            <TagEditor photo={photo.data} ref={tagInput} />
          </section>
        ) : null}
      </div>
    </div>
  );
}

export default function ReviewQueue() {
  const projectId = Number(useParams().id);
  const project = useQuery({
    queryKey: ['project', projectId],
    queryFn: () => call(api.GET('/api/projects/{id}', { params: { path: { id: projectId } } })),
  });
  const queue = useQueue(projectId);
  const [index, setIndex] = useState(0);
  // Outlives the reviewed detection's view, which leaves with it.
  const [done, setDone] = useState('');
  const items = queue.data?.pages.flatMap((p) => p.results) ?? [];
  const { hasNextPage, fetchNextPage, isFetchingNextPage } = queue;
  // Reviewed detections leave the queue, so the same position shows the next one; keep it in range.
  const at = Math.min(index, Math.max(0, items.length - 1));
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && at >= items.length - 5) void fetchNextPage();
  }, [at, items.length, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const current = items[at];
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/projects/${projectId}/photos`}>
          Photos{project.data ? ` · ${project.data.title}` : ''}
        </Link>
      </p>
      <PageHeader title="Review queue" />
      <p className="muted small" id="rq-keys">
        Keys: C confirm · R reject · N next · P previous · T tag
      </p>
      <p className="muted small" role="status" aria-live="polite">
        {done}
      </p>
      <ErrorBox error={queue.error ?? project.error} />
      {queue.isLoading ? <Loading what="Loading the review queue" /> : null}
      {queue.data && !current ? <Empty>Nothing to review: every detection has been reviewed.</Empty> : null}
      {current ? (
        <Current
          key={current.id}
          detection={current}
          position={at + 1}
          total={hasNextPage ? `${items.length}+` : String(items.length)}
          onNext={() => setIndex(Math.min(at + 1, items.length - 1))}
          onPrevious={() => setIndex(Math.max(0, at - 1))}
          onReviewed={setDone}
        />
      ) : null}
    </>
  );
}
