// A strict, minimal XML 1.0 reader for tests: one root element, balanced tags, quoted and unique attributes, only the
// five predefined entities and character references, no raw `<` or `&` in text or attribute values. It builds a
// tree so that tests can check the structure; it throws on anything not well-formed. (No XML parser is a dependency,
// and JUnit files need nothing beyond this: no DTD, no namespaces, no CDATA.)

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;

export function parseStrictXml(source: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`XML: ${what} at offset ${i}: ${JSON.stringify(source.slice(i, i + 40))}`);
  };
  const decode = (raw: string): string => {
    if (raw.includes("<")) fail("raw < in text or attribute");
    return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(";")) fail(`unterminated reference ${whole}`);
      const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
      if (ref in named) return named[ref] as string;
      const m = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(ref);
      if (m === null) return fail(`unknown entity &${ref};`);
      const code = (m[1] as string).startsWith("x") ? Number.parseInt((m[1] as string).slice(1), 16) : Number(m[1]);
      return String.fromCodePoint(code);
    });
  };
  const skipSpace = (): void => {
    while (i < source.length && /\s/.test(source[i] as string)) i++;
  };
  if (source.startsWith("<?xml")) {
    const end = source.indexOf("?>");
    if (end < 0) fail("unterminated XML declaration");
    i = end + 2;
  }
  const element = (): XmlElement => {
    if (source[i] !== "<") fail("expected <");
    i++;
    const name = NAME.exec(source.slice(i))?.[0] ?? fail("expected an element name");
    i += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = i;
      skipSpace();
      if (source.startsWith("/>", i)) {
        i += 2;
        return { name, attributes, children: [], text: "" };
      }
      if (source[i] === ">") {
        i++;
        break;
      }
      if (i === before) fail("expected whitespace before an attribute");
      const attr = NAME.exec(source.slice(i))?.[0] ?? fail("expected an attribute name");
      i += attr.length;
      if (source[i] !== "=") fail("expected =");
      i++;
      const quote = source[i];
      if (quote !== '"' && quote !== "'") fail("expected a quoted attribute value");
      const end = source.indexOf(quote as string, i + 1);
      if (end < 0) fail("unterminated attribute value");
      if (attr in attributes) fail(`duplicate attribute ${attr}`);
      attributes[attr] = decode(source.slice(i + 1, end));
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = "";
    for (;;) {
      const lt = source.indexOf("<", i);
      if (lt < 0) fail(`unclosed <${name}>`);
      text += decode(source.slice(i, lt));
      i = lt;
      if (source.startsWith("</", i)) {
        i += 2;
        if (!source.startsWith(name, i)) fail(`expected </${name}>`);
        i += name.length;
        skipSpace();
        if (source[i] !== ">") fail("expected >");
        i++;
        return { name, attributes, children, text };
      }
      if (source.startsWith("<!--", i)) {
        const end = source.indexOf("-->", i);
        if (end < 0) fail("unterminated comment");
        i = end + 3;
        continue;
      }
      children.push(element());
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== source.length) fail("content after the root element");
  return root;
}
