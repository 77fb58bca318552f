/** A signed note, checkpoint or verifier key that does not follow its format. */
export class NoteFormatError extends Error {
  override name = 'NoteFormatError'
}
