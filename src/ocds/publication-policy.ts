import type { OcdsPublication } from './ocds-publication.js';

/** The publication policy the packages link to: what is published, when, and what never is. */
export function publicationPolicyText(publication: OcdsPublication): string {
  return `Kebijakan publikasi data terbuka OCDS - ${publication.publisher.name}

Apa yang diterbitkan: setiap pesanan Bela Pengadaan (pembelian langsung di toko daring, dibayar
dengan Kartu Kredit Pemerintah) adalah satu proses pengadaan OCDS 1.1 dengan ocid
${publication.ocidPrefix}-<id pesanan>. Setiap perubahan pesanan (dibuat, otorisasi KKP, diterima
atau ditolak penyedia, dikirim, BAST, dibayar, dibatalkan) menjadi satu rilis, segera setelah
tercatat di buku besar. Rilis tidak pernah diubah; id-nya tetap.

Yang tidak pernah diterbitkan: nama pemegang kartu atau pejabat, NIK, NPWP, nomor kartu,
kontak (surel, telepon), dan teks bebas yang diketik pengguna (alasan, catatan, nomor BAST).
Pembeli diterbitkan sebagai OPD (kantor), penyedia sebagai badan usaha dengan NIB-nya.

Lisensi: ${publication.licenseUrl}
Akses: ${publication.baseUrl}/public/ocds/releases/<ocid>, /public/ocds/records/<ocid>,
/public/ocds/release-packages?from=&to=, /public/ocds/record-packages?from=&to=.

OCDS publication policy - ${publication.publisher.name}. Each Bela Pengadaan order is one OCDS 1.1
contracting process; each change of the order is one release, published as soon as the ledger
records it and never changed afterwards. Never published: cardholders' and officials' names,
NIK, NPWP, card numbers, contacts, free text typed by users. Licence: ${publication.licenseUrl}.
`;
}
