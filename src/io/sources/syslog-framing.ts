/**
 * Syslog over TCP, RFC 6587: each frame is either octet-counted (`MSG-LEN SP MSG`, §3.4.1) or ends
 * with LF (non-transparent framing, §3.4.2). A receiver tells them apart by the first character of
 * each frame: a digit starts an octet count, anything else (normally `<`) an LF-terminated message.
 * Pure: bytes in, frames and framing errors out; one framer per connection.
 */

export interface FramingError {
  reason: string;
  /** The beginning of the offending bytes, for the dead letter. */
  text: string;
}

export interface FramerOutput {
  frames: Buffer[];
  errors: FramingError[];
}

type State =
  | { kind: 'start' }
  | { kind: 'octets'; remaining: number; parts: Buffer[] }
  | { kind: 'skip'; remaining: number }
  | { kind: 'skipToLf' };

/** Digits of MSG-LEN read before deciding it cannot be an octet count (10 digits already exceed any limit). */
const MAX_LEN_DIGITS = 10;
const SAMPLE = 200;

export class SyslogFramer {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'start' };

  constructor(private readonly maxMessage: number) {}

  push(chunk: Buffer): FramerOutput {
    const out: FramerOutput = { frames: [], errors: [] };
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.step(out)) {
      /* keep framing while progress is made */
    }
    // Copy what is kept: the caller's chunk buffer may be reused.
    if (this.buf.length > 0) this.buf = Buffer.from(this.buf);
    return out;
  }

  /** Bytes of a message not yet complete are held (a slow sender's frame is open). */
  get midFrame(): boolean {
    return this.buf.length > 0 || this.state.kind !== 'start';
  }

  /** The connection closed: an unterminated LF frame still counts; a cut octet-counted frame does not. */
  end(): FramerOutput {
    const out: FramerOutput = { frames: [], errors: [] };
    const s = this.state;
    if (s.kind === 'octets') {
      const got = s.parts.reduce((n, p) => n + p.length, 0) + this.buf.length;
      out.errors.push({ reason: `connection closed inside an octet-counted frame (${got} of ${got + s.remaining} bytes)`, text: sample(Buffer.concat([...s.parts, this.buf])) });
    } else if (s.kind === 'start' && this.buf.length > 0) {
      const b = trimCr(this.buf);
      if (b.length > 0) out.frames.push(b);
    }
    this.buf = Buffer.alloc(0);
    this.state = { kind: 'start' };
    return out;
  }

  /** One framing step; false when more bytes are needed. */
  private step(out: FramerOutput): boolean {
    const s = this.state;
    const b = this.buf;
    if (s.kind === 'octets') {
      const take = Math.min(s.remaining, b.length);
      if (take === 0) return false;
      s.parts.push(Buffer.from(b.subarray(0, take)));
      s.remaining -= take;
      this.buf = b.subarray(take);
      if (s.remaining > 0) return false;
      out.frames.push(Buffer.concat(s.parts));
      this.state = { kind: 'start' };
      return true;
    }
    if (s.kind === 'skip') {
      const take = Math.min(s.remaining, b.length);
      s.remaining -= take;
      this.buf = b.subarray(take);
      if (s.remaining > 0) return false;
      this.state = { kind: 'start' };
      return true;
    }
    if (s.kind === 'skipToLf') {
      const nl = b.indexOf(10);
      if (nl < 0) {
        this.buf = Buffer.alloc(0);
        return false;
      }
      this.buf = b.subarray(nl + 1);
      this.state = { kind: 'start' };
      return true;
    }
    // Between frames: stray line ends or NULs some senders add after a counted frame are not messages.
    let i = 0;
    while (i < b.length && (b[i] === 10 || b[i] === 13 || b[i] === 0)) i++;
    if (i > 0) {
      this.buf = b.subarray(i);
      return true;
    }
    if (b.length === 0) return false;
    if (isDigit(b[0]!)) {
      let j = 0;
      while (j < b.length && j < MAX_LEN_DIGITS && isDigit(b[j]!)) j++;
      if (j === b.length && j < MAX_LEN_DIGITS) return false; // the count may go on in the next chunk
      if (b[j] === 32 && b[0] !== 48 /* MSG-LEN has no leading zero */) {
        const len = Number(b.toString('latin1', 0, j));
        this.buf = b.subarray(j + 1);
        if (len > this.maxMessage) {
          out.errors.push({ reason: `octet-counted frame of ${len} bytes is over the limit of ${this.maxMessage}`, text: sample(this.buf) });
          this.state = { kind: 'skip', remaining: len };
        } else this.state = { kind: 'octets', remaining: len, parts: [] };
        return true;
      }
      // Digits not followed by a space: an LF-framed message that happens to start with a digit.
    }
    const nl = b.indexOf(10);
    if (nl < 0) {
      if (b.length > this.maxMessage) {
        out.errors.push({ reason: `message without LF longer than the limit of ${this.maxMessage} bytes`, text: sample(b) });
        this.buf = Buffer.alloc(0);
        this.state = { kind: 'skipToLf' };
        return true;
      }
      return false;
    }
    if (nl > this.maxMessage) {
      out.errors.push({ reason: `LF-framed message of ${nl} bytes is over the limit of ${this.maxMessage}`, text: sample(b) });
    } else out.frames.push(trimCr(b.subarray(0, nl)));
    this.buf = b.subarray(nl + 1);
    return true;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function trimCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === 13 ? b.subarray(0, b.length - 1) : b;
}

function sample(b: Buffer): string {
  return b.toString('utf8', 0, Math.min(b.length, SAMPLE));
}
