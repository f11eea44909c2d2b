/**
 * What `weunion emulator --https` prints about its local CA: where the CA certificate is and how each kind of client
 * is told to trust it. Only paths are printed — never a key.
 */
import type { LocalCa } from '../../../emulator/index.js';

/** Lines for the banner (each ends with a newline). */
export function trustHints(ca: LocalCa, httpsUrl: string): string {
  const crt = ca.caCertPath;
  return [
    `HTTPS: ${httpsUrl} (same routes and state), certificate for localhost, 127.0.0.1 and ::1`,
    `  CA certificate: ${crt} (${ca.created ? 'created now' : 'reused'}; its key stays in ${ca.dir})`,
    '  trust it (only where you test: whoever holds the CA key can sign for any name):',
    `    Node     NODE_EXTRA_CA_CERTS=${crt} node …   (or https.request({ ca }) / undici Agent({ connect: { ca } }))`,
    `    Python   REQUESTS_CA_BUNDLE=${crt} python …   (requests, wechatpy; SSL_CERT_FILE for urllib/httpx)`,
    `    Java     keytool -importcert -noprompt -alias weunion-emulator -file ${crt} -keystore emulator-trust.p12 -storetype PKCS12 -storepass changeit`,
    '             java -Djavax.net.ssl.trustStore=emulator-trust.p12 -Djavax.net.ssl.trustStorePassword=changeit …',
    `    PHP      curl.cainfo=${crt} in php.ini, or Guzzle's 'verify' => '${crt}'`,
    `    curl     curl --cacert ${crt} ${httpsUrl}/__emulator/apps`,
    '',
  ].join('\n');
}
