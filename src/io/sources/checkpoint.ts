/**
 * Where a source resumes: the byte offset and line count of the first record not yet processed, and which
 * file they belong to. Sources hand checkpoints out; the state store keeps them with the batch they close.
 */
export interface Checkpoint {
  /** Byte offset of the next record to read. */
  offset: number;
  /** Line number of that record minus one (lines read before it). */
  line: number;
  /** Size of the source when the checkpoint was taken: a smaller file later means it was truncated or rotated. */
  size?: number;
  /** Device and inode of the file the offset belongs to: another file at the same path was rotated in. */
  dev?: number;
  ino?: number;
}
