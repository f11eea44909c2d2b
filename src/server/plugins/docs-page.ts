/**
 * The `/docs` page: the OpenAPI document as plain HTML (one section per operation: method, path, summary,
 * parameters, body schema as JSON). Static and script-free, so it renders offline and under a strict CSP; the
 * machine-readable document is `/openapi.json`, which any OpenAPI viewer can load.
 */

const html = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  security?: unknown[];
  responses?: Record<string, { description?: string }>;
}

/**
 * @example
 *   reply.type('text/html').send(renderDocsPage(document));
 */
export function renderDocsPage(document: Record<string, unknown>): string {
  const info = document.info as { title: string; version: string };
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const sections: string[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${html(p.name)}</code> (${html(p.in)}${p.required ? ', required' : ''}): <code>${html(JSON.stringify(p.schema))}</code></li>`)
        .join('');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const answers = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li>${html(status)}: ${html(r.description ?? '')}</li>`)
        .join('');
      sections.push(
        `<section id="${html(`${method}-${path}`)}"><h2><code>${html(method.toUpperCase())} ${html(path)}</code></h2>` +
          `<p>${html(op.summary ?? '')}${op.security ? ' <em>(Bearer token)</em>' : ''}</p>` +
          (params ? `<h3>Parameters</h3><ul>${params}</ul>` : '') +
          (body ? `<h3>JSON body</h3><pre>${html(JSON.stringify(body, null, 2))}</pre>` : '') +
          `<h3>Answers</h3><ul>${answers}</ul></section>`,
      );
    }
  }
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${html(info.title)} API</title>` +
    '<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.5rem;overflow:auto}section{border-top:1px solid #ddd}</style>' +
    `</head><body><h1>${html(info.title)} ${html(info.version)}</h1>` +
    '<p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors: docs/errors.md.</p>' +
    `${sections.join('\n')}</body></html>`
  );
}
