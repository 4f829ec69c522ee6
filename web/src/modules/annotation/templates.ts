// Starting points for a label config, and sample task data for the live preview.

export const templates = [
  {
    id: 'text-classification',
    title: 'Text classification',
    config: `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" showInline="true">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
    <Choice value="Neutral"/>
  </Choices>
</View>`,
  },
  {
    id: 'image-boxes',
    title: 'Object detection (boxes)',
    config: `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Person" background="#d33"/>
    <Label value="Vehicle" background="#36c"/>
  </RectangleLabels>
</View>`,
  },
  {
    id: 'image-classification',
    title: 'Image classification',
    config: `<View>
  <Image name="image" value="$image"/>
  <Choices name="choice" toName="image">
    <Choice value="Crack"/>
    <Choice value="No crack"/>
  </Choices>
</View>`,
  },
  {
    id: 'ner',
    title: 'Named entities',
    config: `<View>
  <Labels name="label" toName="text">
    <Label value="Person" background="#d33"/>
    <Label value="Organization" background="#36c"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`,
  },
] as const;

// A small drawing so image configs preview without fetching anything (the CSP allows data: images).
const sampleImage = `data:image/svg+xml;utf8,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400"><rect width="640" height="400" fill="#cfe3f5"/>' +
    '<rect x="0" y="280" width="640" height="120" fill="#8fb573"/><circle cx="520" cy="80" r="40" fill="#f5c542"/>' +
    '<rect x="180" y="200" width="160" height="90" fill="#b5523b"/></svg>',
)}`;

const imageTags = new Set(['image', 'hypertextimage']);

/** Task data for the preview: every `$variable` of the config, an image for image tags, text otherwise. */
export function sampleData(config: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const m of config.matchAll(/<\s*([A-Za-z]+)[^>]*\bvalue\s*=\s*"\$([A-Za-z0-9_.-]+)"/g)) {
    const tag = (m[1] ?? '').toLowerCase();
    const key = m[2] ?? '';
    if (!key || key in data) continue;
    data[key] = imageTags.has(tag)
      ? sampleImage
      : 'The new drone survey over the north field was delivered on time by Acme Aerial.';
  }
  return data;
}
