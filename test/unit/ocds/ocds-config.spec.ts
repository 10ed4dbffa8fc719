import { ConfigError, loadConfig } from '../../../src/config/app-config.js';
import { OCID_PREFIX_PATTERN } from '../../../src/ocds/ocds-publication.js';

describe('OCDS publication settings (unit)', () => {
  it("defaults to a placeholder prefix, the LKPP publisher, CC BY 4.0 and the app's own policy page", () => {
    const { ocds } = loadConfig({});
    expect(ocds.ocidPrefix).toMatch(OCID_PREFIX_PATTERN);
    expect(ocds).toEqual({
      ocidPrefix: 'ocds-demo00',
      publisher: { name: 'Bela Pengadaan (LKPP)' },
      licenseUrl: 'https://creativecommons.org/licenses/by/4.0/',
      publicationPolicyUrl: 'http://127.0.0.1:3000/public/ocds/publication-policy',
      baseUrl: 'http://127.0.0.1:3000',
    });
  });

  it('takes a registered prefix and a public address from the environment', () => {
    const { ocds } = loadConfig({ OCDS_PREFIX: 'ocds-a1b2c3', OCDS_BASE_URL: 'https://bela.example.go.id/', OCDS_PUBLISHER_NAME: 'LKPP' });
    expect(ocds).toMatchObject({ ocidPrefix: 'ocds-a1b2c3', baseUrl: 'https://bela.example.go.id', publisher: { name: 'LKPP' } });
    expect(ocds.publicationPolicyUrl).toBe('https://bela.example.go.id/public/ocds/publication-policy');
  });

  it.each([
    ['OCDS_PREFIX', 'ocds-ABCDEF'],
    ['OCDS_PREFIX', 'ocds-abc'],
    ['OCDS_PREFIX', 'xyz-abcdef'],
    ['OCDS_BASE_URL', 'not a url'],
    ['OCDS_LICENSE_URL', 'ftp://example.org/licence'],
    ['OCDS_PUBLISHER_NAME', ' '.repeat(3)],
  ])('refuses %s=%s at start-up', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });
});
