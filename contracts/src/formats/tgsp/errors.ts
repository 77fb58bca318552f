/** The part of a TGSP file that a structural fault was found in. */
export type TgspSection = 'magic' | 'header' | 'manifest' | 'recipients' | 'payload' | 'signature' | 'trailing'

/** A TGSP file that does not follow the v1 layout; `reason` is a sentence for people. */
export class TgspFormatError extends Error {
  override name = 'TgspFormatError'
  readonly section: TgspSection
  readonly reason: string

  constructor(section: TgspSection, reason: string) {
    super(reason)
    this.section = section
    this.reason = reason
  }
}

/** How sections are named in reasons. */
export const SECTION_LABELS: Record<TgspSection, string> = {
  magic: 'magic',
  header: 'header',
  manifest: 'manifest',
  recipients: 'recipients section',
  payload: 'payload',
  signature: 'signature block',
  trailing: 'end of the file',
}
