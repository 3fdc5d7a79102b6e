/**
 * The console's response headers, the same locally and deployed: a strict
 * Content-Security-Policy (only the console's own script and stylesheet, no
 * inline script or style element, no framing, no plugins), no MIME sniffing,
 * no referrer (hash routes carry MRNs), and HSTS (ignored over the local
 * stack's plain HTTP).
 */
export function consoleSecurityHeaders(apiOrigins: readonly string[] = []): Record<string, string> {
  const connect = ["'self'", ...apiOrigins].join(' ');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${connect}`,
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}
