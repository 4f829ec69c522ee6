// The Label Studio frontend and its stylesheet: imported only through LabelStudioView's dynamic import, so
// the 2 MB bundle is its own chunk, fetched when a labeling screen or the config preview first opens.

// Linked as the file it ships as (see web/vite.config.ts): some of its selectors are invalid CSS.
import stylesheet from 'virtual:label-studio-css';
import './lsf-globals';
import LabelStudio from '@heartexlabs/label-studio';

if (!document.querySelector('link[data-lsf]')) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = stylesheet;
  link.dataset.lsf = '';
  document.head.append(link);
}

export default LabelStudio;
