// A search box with its button: the text is applied (trimmed) when the form is sent, not on every key.
import { type InputHTMLAttributes, useState } from 'react';
import { Field } from './ui';

export function SearchForm({
  label,
  initial = '',
  button = 'Search',
  onSearch,
  ...input
}: {
  label: string;
  initial?: string;
  button?: string;
  onSearch: (text: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [text, setText] = useState(initial);
  return (
    <search>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          onSearch(text.trim());
        }}
      >
        <Field label={label} value={text} onChange={(e) => setText(e.target.value)} {...input} />
        <button type="submit">{button}</button>
      </form>
    </search>
  );
}
