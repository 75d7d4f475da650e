const esbuild = await import('esbuild');
const res = await esbuild.build({ entryPoints: ['properties/search/handler.ts'], bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
const out = Object.values(res.metafile.outputs)[0]!;
const rows = Object.entries(out.inputs).map(([p, v]) => [p, v.bytesInOutput] as const).sort((a, b) => b[1] - a[1]).slice(0, 15);
for (const r of rows) console.log(r[1], r[0]);
