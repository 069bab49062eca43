/**
 * The `fields` parameter of Google APIs (a FieldMask in the partial-response syntax:
 * `sheets(properties(title,sheetId),data/rowData)`), applied to a response body.
 */
type MaskTree = Map<string, MaskTree | true>;

export function parseFieldMask(text: string): MaskTree {
  let position = 0;
  const parseList = (): MaskTree => {
    const tree: MaskTree = new Map();
    while (position < text.length && text[position] !== ')') {
      let name = '';
      while (position < text.length && !',()'.includes(text[position]!)) name += text[position++];
      const path = name.trim().split('/').filter(Boolean);
      let node: MaskTree = tree;
      path.forEach((segment, index) => {
        const last = index === path.length - 1;
        if (last && text[position] !== '(') {
          node.set(segment, true);
          return;
        }
        const existing = node.get(segment);
        const child: MaskTree = existing instanceof Map ? existing : new Map();
        if (existing !== true) node.set(segment, child);
        node = child;
      });
      if (text[position] === '(') {
        position += 1;
        const inner = parseList();
        position += 1; // ')'
        for (const [key, value] of inner) node.set(key, value);
      }
      if (text[position] === ',') position += 1;
    }
    return tree;
  };
  return parseList();
}

export function applyFieldMask(value: unknown, mask: MaskTree | true): unknown {
  if (mask === true || mask.has('*')) return value;
  if (Array.isArray(value)) return value.map((item) => applyFieldMask(item, mask));
  if (typeof value !== 'object' || value === null) return value;
  const output: Record<string, unknown> = {};
  for (const [key, child] of mask) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) output[key] = applyFieldMask(inner, child);
  }
  return output;
}
