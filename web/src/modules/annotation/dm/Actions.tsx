// Actions on the selected tasks (/api/dm/actions): the list the API offers, its confirmation text, the run.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { ErrorBox, Select } from '../../../ui/ui';
import { type DmQuery, filtersJson, orderingJson } from '../api';
import { type Selection, selectedCount, selectedItems } from './selection';

type Action = {
  id: string;
  title: string;
  disabled?: boolean;
  disabled_reason?: string;
  dialog?: {
    text?: string;
    /** Label Studio's dialog form: predictions_to_annotations offers the model versions. */
    form?: { fields?: { type: string; name: string; label?: string; options?: string[] }[] }[];
  };
};

/** The options of a select named `name` in the action's form, if it has one. */
const formOptions = (action: Action | undefined, name: string): string[] | null =>
  action?.dialog?.form?.flatMap((f) => f.fields ?? []).find((f) => f.type === 'select' && f.name === name)
    ?.options ?? null;

export function Actions({
  project,
  query,
  selection,
  total,
  onDone,
}: {
  project: number;
  query: DmQuery;
  selection: Selection;
  total: number;
  onDone: () => void;
}) {
  const [chosen, setChosen] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [version, setVersion] = useState('');
  const actions = useQuery({
    queryKey: ['dm-actions', project],
    queryFn: () => call(api.GET('/api/dm/actions', { params: { query: { project } } })),
  });
  const run = useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/api/dm/actions', {
          params: { query: { id, project } },
          body: {
            selectedItems: selectedItems(selection),
            filters: filtersJson(query),
            ordering: orderingJson(query),
            ...(version && { model_version: version }),
          },
        }),
      ),
    onSuccess: (r) => {
      setResult(r.detail || `${r.processed_items} tasks processed.`);
      setChosen('');
      onDone();
    },
  });
  const count = selectedCount(selection, total);
  const list = (actions.data ?? []) as Action[];
  const action = list.find((a) => a.id === chosen);
  const versions = formOptions(action, 'model_version');
  const go = () => {
    if (!action) return;
    setResult(null);
    const text = action.dialog?.text ?? `Run “${action.title}” on the selected tasks?`;
    if (window.confirm(`${text}\n\n${count} task(s) selected.`)) run.mutate(action.id);
  };
  return (
    <fieldset className="toolbar dm-actions">
      <legend className="visually-hidden">Actions on selected tasks</legend>
      <span>{count} selected</span>
      <Select
        label="Action"
        hideLabel
        value={chosen}
        disabled={count === 0 || run.isPending}
        onChange={(e) => setChosen(e.target.value)}
        options={[
          { value: '', label: 'Choose an action' },
          ...list.filter((a) => !a.disabled).map((a) => ({ value: a.id, label: a.title })),
        ]}
      />
      {versions ? (
        <Select
          label="Choose predictions"
          value={version}
          disabled={run.isPending}
          onChange={(e) => setVersion(e.target.value)}
          options={[
            { value: '', label: 'All model versions' },
            ...versions.filter(Boolean).map((v) => ({ value: v, label: v })),
          ]}
        />
      ) : null}
      <button type="button" disabled={!action || count === 0 || run.isPending} onClick={go}>
        Run
      </button>
      {result ? (
        <span className="notice" role="status">
          {result}
        </span>
      ) : null}
      <ErrorBox error={run.error ?? actions.error} />
    </fieldset>
  );
}
