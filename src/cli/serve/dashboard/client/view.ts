/** What every page of the dashboard is: it builds its controls once, then `update` redraws its figures. */
export interface View {
  /** The page's heading (also the document title). */
  readonly title: string;
  update(): Promise<void>;
}

export interface PageContext {
  /** A follower, or a page that must not change anything. */
  readonly readOnly: () => boolean;
  /** Says something to screen readers and sighted users alike (the status line). */
  readonly announce: (message: string) => void;
}

export type PageFactory = (root: HTMLElement, params: readonly string[], context: PageContext) => View;
