// The Label Studio frontend embedded in a React 19 screen. It brings its own React and renders into a node
// React does not manage; a new task (or config) destroys the instance and makes a fresh one.
import type { LsfAnnotation, LsfOptions, LsfStore } from '@heartexlabs/label-studio';
import { useEffect, useRef, useState } from 'react';
import { messageOf } from '../../api/client';
import { ErrorBox, Loading } from '../../ui/ui';

export interface LsfTask {
  id: number;
  data: Record<string, unknown>;
  annotations?: unknown[];
  predictions?: unknown[];
}

export interface LabelStudioViewProps {
  config: string;
  task: LsfTask;
  user: { id: number; username: string };
  /** Labeling (submit, skip, update) or a read-only preview of the config. */
  mode: 'label' | 'preview';
  showSkip?: boolean;
  onSubmit?: (result: unknown[]) => void;
  onUpdate?: (annotationId: number, result: unknown[]) => void;
  onSkip?: () => void;
}

const labelInterfaces = [
  'panel',
  'update',
  'submit',
  'controls',
  'side-column',
  'annotations:menu',
  'annotations:add-new',
  'annotations:delete',
  'predictions:menu',
  'topbar',
];

let loader: Promise<typeof import('./lsf')> | null = null;
const loadLsf = () => {
  loader ??= import('./lsf').catch((err) => {
    loader = null;
    throw err;
  });
  return loader;
};

/** An existing annotation's id as the API knows it (Label Studio keeps it as the annotation's pk). */
const apiId = (a: LsfAnnotation): number | null => {
  const n = Number(a.pk);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

export function LabelStudioView(props: LabelStudioViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const [state, setState] = useState<'loading' | 'ready' | Error>('loading');
  const { config, task, mode, showSkip } = props;
  const userId = props.user.id;
  const username = props.user.username;

  useEffect(() => {
    let destroyed = false;
    let instance: { destroy(): void } | null = null;
    setState('loading');
    const root = document.createElement('div');
    root.className = 'lsf-root';
    host.current?.replaceChildren(root);
    loadLsf()
      .then(({ default: LabelStudio }) => {
        if (destroyed) return;
        const options: LsfOptions = {
          config,
          interfaces:
            mode === 'preview'
              ? ['side-column', 'controls']
              : [...labelInterfaces, ...(showSkip ? ['skip'] : [])],
          user: { pk: userId, firstName: username, lastName: '' },
          task: {
            id: task.id,
            data: task.data,
            annotations: task.annotations ?? [],
            predictions: task.predictions ?? [],
          },
          onLabelStudioLoad: (ls: LsfStore) => {
            const store = ls.annotationStore;
            if (store.annotations.length > 0) return;
            const prediction = store.predictions[0];
            const c = prediction
              ? store.addAnnotationFromPrediction(prediction)
              : store.addAnnotation({ userGenerate: true });
            store.selectAnnotation(c.id);
          },
          onSubmitAnnotation: (_ls, annotation) =>
            latest.current.onSubmit?.(annotation.serializeAnnotation()),
          onUpdateAnnotation: (_ls, annotation) => {
            const id = apiId(annotation);
            if (id) latest.current.onUpdate?.(id, annotation.serializeAnnotation());
            else latest.current.onSubmit?.(annotation.serializeAnnotation());
          },
          onSkipTask: () => latest.current.onSkip?.(),
        };
        try {
          instance = new LabelStudio(root, options);
          setState('ready');
        } catch (err) {
          setState(err instanceof Error ? err : new Error(messageOf(err)));
        }
      })
      .catch((err) => {
        if (!destroyed) setState(new Error(`the labeling tool could not be loaded: ${messageOf(err)}`));
      });
    return () => {
      destroyed = true;
      try {
        instance?.destroy();
      } catch {
        // An instance torn down mid-load has nothing left to unmount.
      }
      root.remove();
    };
  }, [config, task, mode, showSkip, userId, username]);

  return (
    <div className={`lsf-frame lsf-${mode}`}>
      {state === 'loading' ? <Loading what="Loading the labeling tool" /> : null}
      {state instanceof Error ? <ErrorBox error={state} /> : null}
      <div ref={host} />
    </div>
  );
}
