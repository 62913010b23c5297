/**
 * Completion and symbol kinds a client can show. The protocol's first versions had 18 of each;
 * later ones added more (a completion's `Folder`, `EnumMember`, `Constant`, `Struct`, `Event`,
 * `Operator`; a symbol's `Struct`, `Event`…). A client that does not list the kinds it knows
 * (`valueSet`) knows the first 18 only, and may drop an item of another kind or draw it wrong
 * (LSP 3.17: "the client […] will fall back to a default value when unknown"; not all do). Brief
 * gives its organizations, places, facilities and events later kinds, so for such a client each
 * stands in for the nearest of the first 18.
 */
import { CompletionItemKind, SymbolKind } from 'vscode-languageserver';

/** How many kinds every client knows: 1 to 18, of completions and of symbols alike. */
const FIRST_KINDS = 18;

/** For each later completion kind, the nearest of the first 18. */
const COMPLETION_STAND_IN: Readonly<Partial<Record<CompletionItemKind, CompletionItemKind>>> = {
  [CompletionItemKind.Folder]: CompletionItemKind.File,
  [CompletionItemKind.EnumMember]: CompletionItemKind.Enum,
  [CompletionItemKind.Constant]: CompletionItemKind.Value,
  [CompletionItemKind.Struct]: CompletionItemKind.Class,
  [CompletionItemKind.Event]: CompletionItemKind.Value,
  [CompletionItemKind.Operator]: CompletionItemKind.Keyword,
  [CompletionItemKind.TypeParameter]: CompletionItemKind.Class,
};

/** For each later symbol kind, the nearest of the first 18. */
const SYMBOL_STAND_IN: Readonly<Partial<Record<SymbolKind, SymbolKind>>> = {
  [SymbolKind.Object]: SymbolKind.Class,
  [SymbolKind.Key]: SymbolKind.Field,
  [SymbolKind.Null]: SymbolKind.Constant,
  [SymbolKind.EnumMember]: SymbolKind.Enum,
  [SymbolKind.Struct]: SymbolKind.Class,
  [SymbolKind.Event]: SymbolKind.Function,
  [SymbolKind.Operator]: SymbolKind.Function,
  [SymbolKind.TypeParameter]: SymbolKind.Class,
};

const knows = (valueSet: readonly number[] | undefined, kind: number) => (valueSet ? valueSet.includes(kind) : kind >= 1 && kind <= FIRST_KINDS);

/** The kind to send a completion item with: its own if the client knows it, else its stand-in, else none (the kind is optional). */
export function completionKindFor(kind: CompletionItemKind | undefined, valueSet: readonly number[] | undefined): CompletionItemKind | undefined {
  if (kind === undefined || knows(valueSet, kind)) return kind;
  const standIn = COMPLETION_STAND_IN[kind];
  return standIn !== undefined && knows(valueSet, standIn) ? standIn : undefined;
}

/** The kind to send a symbol with: its own if the client knows it, else its stand-in, else the first the client lists (a symbol must have one). */
export function symbolKindFor(kind: SymbolKind, valueSet: readonly number[] | undefined): SymbolKind {
  if (knows(valueSet, kind)) return kind;
  const standIn = SYMBOL_STAND_IN[kind];
  if (standIn !== undefined && knows(valueSet, standIn)) return standIn;
  return (valueSet?.[0] as SymbolKind | undefined) ?? SymbolKind.Variable;
}

/** Symbols (nested or flat) with kinds the client knows: as they are where it knows them all. */
export function symbolsForClient<T extends { kind: SymbolKind; children?: T[] }>(symbols: T[], valueSet: readonly number[] | undefined): T[] {
  const allKnown = (list: readonly T[]): boolean => list.every((s) => knows(valueSet, s.kind) && (!s.children || allKnown(s.children)));
  if (allKnown(symbols)) return symbols;
  return symbols.map((s) => ({ ...s, kind: symbolKindFor(s.kind, valueSet), ...(s.children ? { children: symbolsForClient(s.children, valueSet) } : {}) }));
}
