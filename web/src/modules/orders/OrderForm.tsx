// A new order: the project it asks for, complexity, timeline, currency and cost, and the data production.
// Money is typed as a decimal string and sent as one (never a float).
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { FormPanel, useDraft } from '../../ui/FormPanel';
import { Field, Select, TextArea } from '../../ui/ui';
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
  const {
    draft: f,
    set,
    bind,
  } = useDraft({
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
  const submit = () => {
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
    <FormPanel
      title={initial ? 'Edit the order' : 'New order'}
      onSubmit={submit}
      error={error ?? currencies.error}
      pending={pending}
      submitLabel={initial ? 'Save order' : 'Create order'}
      onCancel={onCancel}
    >
      <div className="row">
        <Field label="Project name" required maxLength={200} {...bind('project_name')} />
        <Field
          label="Project type"
          required
          maxLength={100}
          placeholder="segmentation, classification…"
          {...bind('project_type')}
        />
        <Select
          label="Complexity"
          {...bind('complexity')}
          options={[
            { value: 'low', label: 'Low' },
            { value: 'medium', label: 'Medium' },
            { value: 'high', label: 'High' },
          ]}
        />
      </div>
      <div className="row">
        <Field label="Timeline" maxLength={200} placeholder="6 weeks" {...bind('timeline')} />
        <Select label="Currency" {...bind('currency')} options={currencyOptions} />
        <Field
          label="Total cost"
          inputMode="decimal"
          pattern="(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?"
          title="A decimal amount with at most two decimals, e.g. 1250.50"
          placeholder="1250.50"
          {...bind('total_cost')}
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
            {...bind('estimated_data_volume')}
          />
          <Field
            label="Annotation type"
            maxLength={100}
            placeholder="polygon, bounding box…"
            {...bind('annotation_type')}
          />
        </div>
      </fieldset>
      <TextArea label="Notes" rows={3} maxLength={10000} {...bind('additional_notes')} />
    </FormPanel>
  );
}
