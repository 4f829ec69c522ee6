// A new order: the project it asks for, complexity, timeline, currency and cost, and the data production.
// Money is typed as a decimal string and sent as one (never a float).
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client';
import { ErrorBox, Field, Select, TextArea } from '../../ui/ui';
import type { CreateOrder, Order } from './api';

interface Props {
  /** A draft order to edit; without it the form makes a new one. */
  initial?: Order;
  pending: boolean;
  error: unknown;
  onSubmit: (body: CreateOrder) => void;
  onCancel: () => void;
}

export function OrderForm({ initial, pending, error, onSubmit, onCancel }: Props) {
  const currencies = useQuery({
    queryKey: ['currencies'],
    queryFn: () => call(api.GET('/api/currencies', { params: { query: { page_size: 1000 } } })),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [f, setF] = useState({
    project_name: initial?.project_name ?? '',
    project_type: initial?.project_type ?? '',
    complexity: (initial?.complexity ?? 'medium') as CreateOrder['complexity'],
    timeline: initial?.timeline ?? '',
    currency: initial?.currency ?? 'USD',
    total_cost: initial?.total_cost ?? '',
    additional_notes: initial?.additional_notes ?? '',
    data_collection_required: initial?.data_production.data_collection_required ?? false,
    estimated_data_volume: initial?.data_production.estimated_data_volume?.toString() ?? '',
    annotation_type: initial?.data_production.annotation_type ?? '',
  });
  const set = <K extends keyof typeof f>(key: K, value: (typeof f)[K]) =>
    setF((old) => ({ ...old, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({
      project_name: f.project_name.trim(),
      project_type: f.project_type.trim(),
      complexity: f.complexity,
      currency: f.currency,
      // Editing sends every field, so a field emptied here is emptied on the order too.
      ...(f.timeline.trim() || initial ? { timeline: f.timeline.trim() } : {}),
      ...(f.total_cost.trim() ? { total_cost: f.total_cost.trim() } : {}),
      ...(f.additional_notes.trim() || initial ? { additional_notes: f.additional_notes.trim() } : {}),
      data_production: {
        data_collection_required: f.data_collection_required,
        ...(f.estimated_data_volume
          ? { estimated_data_volume: Number(f.estimated_data_volume) }
          : initial
            ? { estimated_data_volume: null }
            : {}),
        ...(f.annotation_type.trim()
          ? { annotation_type: f.annotation_type.trim() }
          : initial
            ? { annotation_type: null }
            : {}),
      },
    });
  };
  const currencyOptions = currencies.data?.results.map((c) => ({
    value: c.code,
    label: `${c.code} · ${c.name}`,
  })) ?? [{ value: 'USD', label: 'USD' }];
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="order-form-h">
      <h2 id="order-form-h">{initial ? 'Edit the order' : 'New order'}</h2>
      <div className="row">
        <Field
          label="Project name"
          required
          maxLength={200}
          value={f.project_name}
          onChange={(e) => set('project_name', e.target.value)}
        />
        <Field
          label="Project type"
          required
          maxLength={100}
          placeholder="segmentation, classification…"
          value={f.project_type}
          onChange={(e) => set('project_type', e.target.value)}
        />
        <Select
          label="Complexity"
          value={f.complexity}
          onChange={(e) => set('complexity', e.target.value as CreateOrder['complexity'])}
          options={[
            { value: 'low', label: 'Low' },
            { value: 'medium', label: 'Medium' },
            { value: 'high', label: 'High' },
          ]}
        />
      </div>
      <div className="row">
        <Field
          label="Timeline"
          maxLength={200}
          placeholder="6 weeks"
          value={f.timeline}
          onChange={(e) => set('timeline', e.target.value)}
        />
        <Select
          label="Currency"
          value={f.currency}
          onChange={(e) => set('currency', e.target.value)}
          options={currencyOptions}
        />
        <Field
          label="Total cost"
          inputMode="decimal"
          pattern="(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?"
          title="A decimal amount with at most two decimals, e.g. 1250.50"
          placeholder="1250.50"
          value={f.total_cost}
          onChange={(e) => set('total_cost', e.target.value)}
        />
      </div>
      <fieldset>
        <legend>Data production</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={f.data_collection_required}
            onChange={(e) => set('data_collection_required', e.target.checked)}
          />{' '}
          Data collection required
        </label>
        <div className="row">
          <Field
            label="Estimated data volume (items)"
            type="number"
            min={0}
            value={f.estimated_data_volume}
            onChange={(e) => set('estimated_data_volume', e.target.value)}
          />
          <Field
            label="Annotation type"
            maxLength={100}
            placeholder="polygon, bounding box…"
            value={f.annotation_type}
            onChange={(e) => set('annotation_type', e.target.value)}
          />
        </div>
      </fieldset>
      <TextArea
        label="Notes"
        rows={3}
        maxLength={10000}
        value={f.additional_notes}
        onChange={(e) => set('additional_notes', e.target.value)}
      />
      <ErrorBox error={error ?? currencies.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={pending}>
          {initial ? 'Save order' : 'Create order'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
