// PayPal's verify API computes the CRC over the `webhook_event` member exactly as the caller sent it, so its
// raw text has to be cut out of the request body rather than re-serialized from the parsed object.

class MalformedJson extends Error {}

/**
 * The exact text of the value of `member` in the top-level object of `json` (the last occurrence when a name
 * repeats, as JSON.parse keeps the last), or undefined when the member is absent or the text is not JSON.
 */
export function rawMemberText(json: string, member: string): string | undefined {
  try {
    return new Scanner(json).topLevelMember(member);
  } catch (error) {
    // A SyntaxError comes from decoding a member name with a bad escape.
    if (error instanceof MalformedJson || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const SCALAR_CHAR = /[-+.0-9a-zA-Z]/;

class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  topLevelMember(member: string): string | undefined {
    let found: string | undefined;
    this.skipWhitespace();
    this.expect('{');
    this.skipWhitespace();
    if (this.peek() === '}') {
      this.pos++;
    } else {
      for (;;) {
        const name = this.memberName();
        const start = this.pos;
        this.skipValue();
        if (name === member) found = this.text.slice(start, this.pos);
        this.skipWhitespace();
        if (this.take() === '}') break;
        this.requireTaken(',');
      }
    }
    this.skipWhitespace();
    if (this.pos !== this.text.length) throw new MalformedJson();
    return found;
  }

  /** Reads `"name" :` and the whitespace after it; returns the decoded name. */
  private memberName(): string {
    this.skipWhitespace();
    const start = this.pos;
    this.skipString();
    const name = JSON.parse(this.text.slice(start, this.pos)) as string;
    this.skipWhitespace();
    this.expect(':');
    this.skipWhitespace();
    return name;
  }

  private skipValue(): void {
    const c = this.peek();
    if (c === '{') return this.skipContainer('}', true);
    if (c === '[') return this.skipContainer(']', false);
    if (c === '"') return this.skipString();
    const start = this.pos;
    while (this.pos < this.text.length && SCALAR_CHAR.test(this.text[this.pos] ?? '')) this.pos++;
    if (this.pos === start) throw new MalformedJson();
  }

  private skipContainer(close: '}' | ']', isObject: boolean): void {
    this.pos++;
    this.skipWhitespace();
    if (this.peek() === close) {
      this.pos++;
      return;
    }
    for (;;) {
      if (isObject) this.memberName();
      else this.skipWhitespace();
      this.skipValue();
      this.skipWhitespace();
      if (this.take() === close) return;
      this.requireTaken(',');
    }
  }

  private skipString(): void {
    this.expect('"');
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return;
      } else this.pos++;
    }
    throw new MalformedJson();
  }

  private skipWhitespace(): void {
    while (WHITESPACE.has(this.text[this.pos] ?? '')) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private take(): string | undefined {
    return this.text[this.pos++];
  }

  private requireTaken(expected: string): void {
    if (this.text[this.pos - 1] !== expected) throw new MalformedJson();
  }

  private expect(c: string): void {
    if (this.take() !== c) throw new MalformedJson();
  }
}
