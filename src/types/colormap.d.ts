// The colormap package (MIT) ships no types.
declare module 'colormap' {
  export default function colormap(options: {
    colormap: string;
    nshades: number;
    format: 'hex' | 'rgbaString' | 'rgba' | 'float';
    alpha?: number | number[];
  }): unknown[];
}
