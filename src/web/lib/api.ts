/** The public API, same origin. A problem+json answer becomes an ApiError with its detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 20_000;

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const type = response.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as { code?: string; detail?: string };
    throw new ApiError(response.status, problem.code ?? 'ERROR', problem.detail ?? `HTTP ${response.status}`);
  }
  return body as T;
}

/** A query string from the set values only. */
export function query(params: Readonly<Record<string, string | number | null | undefined>>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Message for a failed load, in Bahasa Indonesia. */
export function failure(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return 'Terlalu banyak permintaan dari alamat Anda. Coba lagi sebentar lagi.';
    if (error.status === 404) return 'Data tidak ditemukan.';
    if (error.status === 400) return `Saringan tidak valid: ${error.message}`;
    return `Gagal memuat data (${error.status}): ${error.message}`;
  }
  return 'Gagal memuat data. Periksa sambungan, lalu muat ulang halaman.';
}
