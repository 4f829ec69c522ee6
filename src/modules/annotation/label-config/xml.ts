// Strict XML to a small element tree with line numbers. saxes is a conforming, non-validating parser: no
// external entities are ever loaded, and a DOCTYPE is refused outright as Label Studio does (forbid_dtd).
import { SaxesParser } from 'saxes';

export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  parent: XmlElement | null;
  /** 1-based line of the tag's start. */
  line: number;
  /** Text directly inside the element (Header may hold its title this way). */
  text: string;
}

export class XmlSyntaxError extends Error {
  readonly line: number | null;
  readonly column: number | null;
  constructor(message: string, line: number | null, column: number | null) {
    super(message);
    this.name = 'XmlSyntaxError';
    this.line = line;
    this.column = column;
  }
}

const POSITIONED = /^(\d+):(\d+): (.*)$/s;

export function parseXml(source: string): XmlElement {
  if (source.trim() === '') throw new XmlSyntaxError('the label config is empty', null, null);
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let startLine = 1;

  parser.on('doctype', () => {
    throw parser.makeError('a DOCTYPE is not allowed in a label config.');
  });
  parser.on('opentagstart', () => {
    startLine = parser.line;
  });
  parser.on('opentag', (node) => {
    const parent = stack.at(-1) ?? null;
    const element: XmlElement = {
      tag: node.name,
      attrs: { ...(node.attributes as Record<string, string>) },
      children: [],
      parent,
      line: startLine,
      text: '',
    };
    if (parent) parent.children.push(element);
    else root = element;
    if (!node.isSelfClosing) stack.push(element);
  });
  parser.on('closetag', (node) => {
    if (!node.isSelfClosing) stack.pop();
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('cdata', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });

  try {
    parser.write(source).close();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const positioned = POSITIONED.exec(message);
    if (!positioned) throw new XmlSyntaxError(message, null, null);
    const [, line, column, what] = positioned;
    // saxes counts columns from 0; editors and lxml count from 1.
    throw new XmlSyntaxError(what!.replace(/\.$/, ''), Number(line), Number(column) + 1);
  }
  if (!root) throw new XmlSyntaxError('the label config has no root element', null, null);
  return root;
}
