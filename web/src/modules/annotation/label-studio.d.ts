// The Label Studio frontend 1.4.0 ships a webpack UMD bundle without types; this is the part we use.
declare module '@heartexlabs/label-studio' {
  export interface LsfAnnotation {
    pk?: string | number | null;
    id: string;
    serializeAnnotation(): unknown[];
  }
  export interface LsfStore {
    annotationStore: {
      annotations: LsfAnnotation[];
      predictions: { id: string }[];
      addAnnotation(options: { userGenerate: boolean }): LsfAnnotation;
      addAnnotationFromPrediction(prediction: unknown): LsfAnnotation;
      selectAnnotation(id: string): void;
    };
  }
  export interface LsfOptions {
    config: string;
    interfaces: string[];
    user: { pk: number; firstName?: string; lastName?: string };
    task: { id: number; data: Record<string, unknown>; annotations: unknown[]; predictions: unknown[] };
    onLabelStudioLoad?: (ls: LsfStore) => void;
    onSubmitAnnotation?: (ls: LsfStore, annotation: LsfAnnotation) => void;
    onUpdateAnnotation?: (ls: LsfStore, annotation: LsfAnnotation) => void;
    onSkipTask?: (ls: LsfStore) => void;
  }
  export default class LabelStudio {
    constructor(root: HTMLElement, options: LsfOptions);
    destroy(): void;
  }
}

declare module 'virtual:label-studio-css' {
  const url: string;
  export default url;
}
