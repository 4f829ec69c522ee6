// A share link shown once, with copy and open.
import { useState } from 'react';

export function ShareLink({ url }: { url: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="toolbar key-once panel">
      <div className="field">
        <label htmlFor="rm-share-url">
          Read-only link (shown once; anyone with it can see the dashboard)
        </label>
        <input id="rm-share-url" readOnly value={url} onFocus={(e) => e.target.select()} />
      </div>
      <button
        type="button"
        onClick={() =>
          navigator.clipboard?.writeText(url).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
      <a href={url} target="_blank" rel="noreferrer">
        Open
      </a>
    </div>
  );
}
