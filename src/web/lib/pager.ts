import { byId } from './dom.js';

/** Previous/next over keyset pages: remembers the cursors of the pages seen. */
export class Pager {
  private readonly cursors: (string | null)[] = [null];
  private index = 0;
  private next: string | null = null;

  constructor(private readonly load: (cursor: string | null) => Promise<string | null>) {
    byId<HTMLButtonElement>('sebelumnya').addEventListener('click', () => void this.go(this.index - 1));
    byId<HTMLButtonElement>('berikutnya').addEventListener('click', () => void this.go(this.index + 1));
  }

  start(): Promise<void> {
    return this.go(0);
  }

  private async go(index: number): Promise<void> {
    if (index < 0 || index >= this.cursors.length + (this.next ? 1 : 0)) return;
    if (index === this.cursors.length) this.cursors.push(this.next);
    this.index = index;
    this.next = await this.load(this.cursors[index] ?? null);
    this.cursors.length = index + 1;
    byId('halaman').textContent = `Halaman ${index + 1}`;
    byId<HTMLButtonElement>('sebelumnya').disabled = index === 0;
    byId<HTMLButtonElement>('berikutnya').disabled = this.next === null;
  }
}
