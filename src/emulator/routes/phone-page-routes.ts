/**
 * The phone in the browser (docs/emulator.md "The phone in the browser"): `GET /__phone/` serves a
 * single page, its script and its style sheet, all from strings shipped in the package. The page
 * holds no data (it reads everything through the phone API, with the token from its URL's `#token=`),
 * so these three are served without the phone token; a strict Content-Security-Policy lets the page
 * load only itself and talk only to its own origin.
 */
import { PHONE_PAGE_HTML } from '../phone-page/page-html.js';
import { PHONE_PAGE_SCRIPT } from '../phone-page/page-script.js';
import { PHONE_PAGE_CSS } from '../phone-page/page-style.js';
import { type Router, textReply } from '../served-request.js';

/** The paths of the page and its two files: GETs the phone token does not guard. */
export const PHONE_PAGE_PATHS: ReadonlySet<string> = new Set([
  '/__phone/',
  '/__phone/phone.js',
  '/__phone/phone.css',
]);

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** Serves the page, its script and its style sheet (GET only). */
export function registerPhonePageRoutes(router: Router): void {
  const files: [string, string, string][] = [
    ['/__phone/', 'text/html; charset=utf-8', PHONE_PAGE_HTML],
    ['/__phone/phone.js', 'text/javascript; charset=utf-8', PHONE_PAGE_SCRIPT],
    ['/__phone/phone.css', 'text/css; charset=utf-8', PHONE_PAGE_CSS],
  ];
  for (const [path, type, body] of files) {
    router.path(path, { methods: ['GET'], handler: () => textReply(200, type, body, SECURITY_HEADERS) });
  }
}
