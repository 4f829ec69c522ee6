// The word tokenizer Label Studio's CONLL2003 export uses: NLTK's TreebankWordTokenizer with the punctuation
// rules label-studio-sdk replaces (converter/utils.py), giving each token's character span in the text so
// region offsets can be matched to tokens. Rules are applied in NLTK's order; word boundaries are ASCII
// (JavaScript's \b), where Python's are Unicode: contractions next to non-ASCII letters can split differently.

type Rule = [RegExp, string];

const STARTING_QUOTES: Rule[] = [
  [/^"/g, '``'],
  [/(``)/g, ' $1 '],
  [/([ ([{<])("|'{2})/g, '$1 `` '],
];

// label-studio-sdk's replacement of TreebankWordTokenizer.PUNCTUATION.
const PUNCTUATION: Rule[] = [
  [/([:,])([^\d])/g, ' $1 $2'],
  [/([:,])$/g, ' $1 '],
  [/\.\.\./g, ' ... '],
  [/[;@#$/%&]/g, ' $& '],
  [/([^.])(\.)([\])}>"']*)\s*$/g, '$1 $2$3 '],
  [/[?!]/g, ' $& '],
  [/([^'])' /g, "$1 ' "],
];

const PARENS_BRACKETS: Rule = [/[\][(){}<>]/g, ' $& '];
const DOUBLE_DASHES: Rule = [/--/g, ' -- '];

const ENDING_QUOTES: Rule[] = [
  [/''/g, " '' "],
  [/"/g, " '' "],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /g, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /g, '$1 $2 '],
];

const CONTRACTIONS: RegExp[] = [
  /\b(can)(not)\b/gi,
  /\b(d)('ye)\b/gi,
  /\b(gim)(me)\b/gi,
  /\b(gon)(na)\b/gi,
  /\b(got)(ta)\b/gi,
  /\b(lem)(me)\b/gi,
  /\b(more)('n)\b/gi,
  /\b(wan)(na)(?=\s)/gi,
  / ('t)(is)\b/gi,
  / ('t)(was)\b/gi,
];

const apply = (text: string, [re, to]: Rule) => text.replace(re, to);

/** NLTK's TreebankWordTokenizer.tokenize (no parenthesis conversion). */
export function treebankTokens(input: string): string[] {
  let text = STARTING_QUOTES.reduce(apply, input);
  text = PUNCTUATION.reduce(apply, text);
  text = apply(apply(text, PARENS_BRACKETS), DOUBLE_DASHES);
  text = ENDING_QUOTES.reduce(apply, ` ${text} `);
  for (const re of CONTRACTIONS) text = text.replace(re, ' $1 $2 ');
  return text.split(/\s+/).filter(Boolean);
}

export interface Span {
  token: string;
  start: number;
}

/**
 * NLTK's span_tokenize: the tokens turned back into the text's own quotes (`` and '' stand for whichever of
 * ", '' or `` was there), each found in the text from where the previous one ended.
 */
export function treebankSpans(text: string): Span[] {
  let tokens = treebankTokens(text);
  if (text.includes('"') || text.includes("''")) {
    const quotes = text.match(/``|'{2}|"/g) ?? [];
    tokens = tokens.map((t) => (t === '"' || t === '``' || t === "''" ? (quotes.shift() ?? t) : t));
  }
  const spans: Span[] = [];
  let point = 0;
  for (const token of tokens) {
    const start = text.indexOf(token, point);
    if (start < 0) throw new Error(`token ${JSON.stringify(token)} is not in the text`);
    spans.push({ token, start });
    point = start + token.length;
  }
  return spans;
}
