/**
 * The report's stylesheet: system fonts, calm greys, one accent per verdict (always paired
 * with a symbol and a word, see badges.ts), tables with tabular figures, print-friendly.
 */
export const REPORT_CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--accent:#0b5cad;
--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#b3261e;--bad-bg:#ffebe9;--warn:#7d4e00;--warn-bg:#fff8c5;
--err:#6e40c9;--err-bg:#fbefff;--na:#59636e;--na-bg:#eff2f5;--load:#0b5cad;--load-bg:#ddf4ff}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:#fff;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans","Liberation Sans",Arial,sans-serif}
main,.top .inner,footer{max-width:76rem;margin:0 auto;padding:0 1.5rem}
.top{border-bottom:1px solid var(--line);background:var(--soft);margin-bottom:1.5rem}
.top .inner{padding-top:1.25rem;padding-bottom:.75rem}
h1{font-size:1.6rem;margin:0 0 .2rem;font-weight:650;letter-spacing:-.01em}
h2{font-size:1.3rem;margin:2.5rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line);font-weight:620}
h3{font-size:1.08rem;margin:1.5rem 0 .5rem;font-weight:620}
h4{font-size:.98rem;margin:1.1rem 0 .4rem;font-weight:620}
h5{font-size:.85rem;margin:.6rem 0 .3rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
p{margin:.4rem 0}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code,pre,.exact{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:.86em}
.num{font-variant-numeric:tabular-nums}span.num:not([data-verbatim]){white-space:nowrap}
span.num[title]{text-decoration:underline dotted #b0b8c1;text-underline-offset:2px}
code.id{font-weight:650;color:var(--fg);font-size:.9em}
code.hyp{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 .3em;font-size:.82em}
.hyp-legend{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.8em 0;font-size:.9em}.hyp-legend dd{margin:0}
.sub{color:var(--muted);margin:0}
nav.toc{margin-top:.6rem;display:flex;flex-wrap:wrap;gap:.25rem 1.1rem;font-size:.92rem}
.lead{color:var(--muted);max-width:62rem}
.small{font-size:.85rem}.dim{color:var(--muted)}
.badge{display:inline-block;white-space:nowrap;font-size:.8rem;font-weight:600;line-height:1.5;padding:0 .5em;border-radius:999px;border:1px solid}
.badge.ok{color:var(--ok);background:var(--ok-bg);border-color:#9ad8a8}
.badge.bad{color:var(--bad);background:var(--bad-bg);border-color:#f5b5ae}
.badge.warn{color:var(--warn);background:var(--warn-bg);border-color:#e8d27a}
.badge.err{color:var(--err);background:var(--err-bg);border-color:#d8b9ff}
.badge.na{color:var(--na);background:var(--na-bg);border-color:var(--line)}
.badge.load{color:var(--load);background:var(--load-bg);border-color:#9ccff5}
.badge.stat{color:#0b5d57;background:#e0f4f1;border-color:#8fd1c7}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:.5rem 0 1rem}
.card{border:1px solid var(--line);border-radius:8px;padding:.6rem .9rem;min-width:10.5rem;background:#fff}
.card-bad{border-color:#f5b5ae;background:#fffafa}
.card-n{font-size:1.9rem;font-weight:650;line-height:1.1;font-variant-numeric:tabular-nums}
.card-t{font-size:.82rem;color:var(--muted);margin-top:.2rem}
.glance{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(22rem,100%),1fr));gap:.5rem 2rem}
.glance-block h3{margin-top:.6rem}
.glance-block.wide{grid-column:1/-1}
.how{margin:.15rem 0 0;font-size:.92rem}
.how code.exact{background:var(--bad-bg);border-radius:3px;padding:0 .25em}
.glance ul{margin:.3rem 0;padding-left:1.1rem}
.glance li{margin:.25rem 0}
ul.failures{list-style:none;padding-left:0}
ul.failures li{margin:.4rem 0;padding:.45rem .8rem;border-left:3px solid var(--bad);background:#fffafa;border-radius:0 6px 6px 0}
.fix{font-size:.88rem}
ul.cols{columns:2 12rem}
.ref{color:var(--muted);font-size:.9rem}
.warnings{border:1px solid #e8d27a;background:#fffdf0;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
.warnings li{margin:.2rem 0}
.table-wrap{overflow-x:auto;margin:.5rem 0 1rem}
table.data{border-collapse:collapse;font-size:.88rem;min-width:min(100%,40rem)}
table.data.narrow{min-width:0}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
table.data thead th{font-weight:600;color:var(--muted);font-size:.8rem;border-bottom:2px solid var(--line);background:#fff;vertical-align:bottom;line-height:1.25}
table.data tbody tr:nth-child(even){background:#fbfcfd}
table.data td.num,table.data th.num{text-align:right}table.data td.num{white-space:nowrap}
table.data td{white-space:nowrap}table.data td.wrap{white-space:normal;min-width:8rem}
table.data td.cert{white-space:normal}table.data td.cert>code.exact{display:inline-block;width:max-content;max-width:20rem;overflow-wrap:anywhere}
table.data tr.row-bad{background:#fff7f6!important}
table.ablation td,table.trace-claims td{white-space:normal;min-width:7.5rem}
table.ablation .badge.na{white-space:normal}
table.ablation .small{white-space:nowrap}table.ablation .error-text{white-space:normal;min-width:12rem}
table.ablation td.empty{color:#c4cbd3;text-align:center}
table.ablation tbody th,table.trace-claims tbody th{text-align:left;font-weight:500;white-space:nowrap}
/* the row's claim (or run) stays in view while a wide grid scrolls sideways */
table.ablation tbody th,table.trace-claims tbody th,table.ablation thead th:first-child,table.trace-claims thead th:first-child{position:sticky;left:0;z-index:1;background:#fff;box-shadow:1px 0 0 var(--line)}
table.ablation tbody tr:nth-child(even) th,table.trace-claims tbody tr:nth-child(even) th{background:#fbfcfd}
table.comparisons td.wrap{max-width:28rem;overflow-wrap:anywhere}
.rel{font-size:1.05rem;font-weight:600}
article.claim{border:1px solid var(--line);border-radius:10px;padding:.4rem 1.2rem 1rem;margin:1.25rem 0}
article.claim header{display:flex;align-items:baseline;gap:.8rem;flex-wrap:wrap}
article.claim header h3{margin:.7rem 0 .2rem}
article.claim .title{font-weight:500;color:var(--muted)}
.statement{margin:.6rem 0;padding:.5rem .8rem;background:var(--soft);border-radius:6px;overflow-x:auto}
.statement .katex-display{margin:.3rem 0}
.exp-statement{margin:.6rem 0;padding:.5rem .8rem;background:var(--soft);border-radius:6px}
.exp-statement p{margin:.25rem 0}
.hists{display:flex;flex-wrap:wrap;gap:0 2.5rem}
.hists figure{margin:.3rem 0}
.hists svg.chart{width:400px}
.note{font-size:.9rem;color:var(--muted);border-left:3px solid var(--line);padding-left:.7rem}
.cx{border-left:3px solid var(--bad);padding-left:.9rem;margin:.8rem 0}
.witness .facts{display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-size:.85rem;color:var(--fg)}
.witness .facts>span{min-width:0;overflow-wrap:anywhere}
.input-block{margin:.3rem 0;overflow-x:auto}
dl.input{margin:.2rem 0;display:flex;flex-wrap:wrap;gap:.4rem 1.6rem;align-items:flex-start}
dl.input>div{display:flex;gap:.5rem;align-items:flex-start}
dl.input dt{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;font-weight:600;padding-top:.15rem}
dl.input dd{margin:0}
dl.input dl.input{border-left:2px solid var(--line);padding-left:.6rem}
ol.input{margin:.2rem 0;padding-left:1.4rem}
.matrix-wrap{display:inline-block;vertical-align:top}
table.matrix{border-collapse:collapse;border-left:1.5px solid var(--fg);border-right:1.5px solid var(--fg);font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem;display:inline-table;
background:linear-gradient(var(--fg),var(--fg)) left top/5px 1.5px no-repeat,linear-gradient(var(--fg),var(--fg)) left bottom/5px 1.5px no-repeat,linear-gradient(var(--fg),var(--fg)) right top/5px 1.5px no-repeat,linear-gradient(var(--fg),var(--fg)) right bottom/5px 1.5px no-repeat}
table.matrix td{padding:.05rem .5rem;text-align:right;white-space:nowrap}
.size{font-size:.75rem;margin-left:.3rem;vertical-align:top}
.replay{margin:.5rem 0;display:flex;gap:.6rem;align-items:center}
.replay-label{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
pre{margin:0;padding:.45rem .7rem;background:#f3f5f7;border:1px solid var(--line);border-radius:6px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
details{margin:.5rem 0}
details>summary{cursor:pointer;color:var(--accent)}
details>summary h4{display:inline;margin:0}details.abl-witness>summary h4,details.tight-witness>summary h4{font-weight:inherit;font-size:inherit}
details.abl-witness,details.tight-witness{border:1px solid var(--line);border-radius:8px;padding:.3rem .9rem}
details[open].abl-witness,details[open].tight-witness{padding-bottom:.7rem}
.error-text{color:var(--bad);font-size:.88rem}
figure{margin:.6rem 0}
figcaption{font-size:.88rem;font-weight:600;margin-bottom:.2rem}
svg.chart{max-width:100%;height:auto;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif}
svg.chart text{fill:#3d444d}
svg.chart .grid{stroke:#e6eaef;stroke-width:1}
svg.chart .axis{stroke:#6e7781;stroke-width:1}
svg.chart .label{font-size:12px;fill:#1f2328}
svg.chart .note,svg.chart .empty{font-size:11px;fill:#59636e;font-style:italic}
svg.chart .bar{fill:#6a9fd4}svg.chart .bar.bad{fill:#d9534f}
svg.chart .marker{stroke:#b3261e;stroke-width:1.2;stroke-dasharray:4 3}
svg.chart .marker-label{font-size:10px;fill:#b3261e}
.chart-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(30rem,100%),1fr));gap:.5rem 1.5rem}
article.trace-group{margin:1.5rem 0 2.5rem}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.4em;vertical-align:-.05em}
svg.bar .bar-bg{fill:#eef1f4}svg.bar .bar-fill{fill:#4a8bc9}svg.bar .bar-bad{fill:#d9534f}svg.bar .bar-mark{stroke:#1f2328;stroke-width:1.5}
footer{color:var(--muted);font-size:.82rem;border-top:1px solid var(--line);margin-top:3rem;padding-top:.8rem;padding-bottom:2rem}
/* on paper nothing can be unfolded: closed <details> print open (no script can open them; ::details-content does) */
/* 1 cm margins on paper, whatever the print dialog's default: A4's 794 px less 2 x 38 = 718 px of content */
@page{margin:1cm}
@media print{.top{background:none}main,.top .inner,footer{padding-left:0;padding-right:0}article.claim{break-inside:avoid}details{display:block}details::details-content{content-visibility:visible;display:block}.table-wrap,.input-block,pre{overflow:visible}
/* a scroll box is cut at the page edge: on paper the tables reflow to the page width instead */
table.data{font-size:.7rem;min-width:0}table.data tr{break-inside:avoid}table.data th,table.data td{padding:.2rem .25rem}table.data .badge{font-size:.62rem;padding:0 .3em;white-space:normal}table.data code.id{font-size:.8em}table.ablation .small{white-space:normal}table.data td,table.data th{white-space:normal;min-width:0!important}table.data thead th{font-size:.64rem}table.data code,table.data td.wrap,table.matrix td,.witness code{overflow-wrap:anywhere;white-space:normal}table.ablation tbody th,table.trace-claims tbody th{position:static;white-space:normal;overflow-wrap:anywhere}
/* a table with more columns than A4 holds (table.print-blocks: the tightness table, the ablation grid) prints a block per row: its first
   cell (the claim) as a heading, then every other cell on a grid, labelled with its column's head (data-label); a cell with
   nothing in it (· in the ablation grid) is left out */
table.data.print-blocks,table.data.print-blocks tbody{display:block}table.data.print-blocks thead{display:none}
table.data.print-blocks tr{display:grid;grid-template-columns:repeat(auto-fill,minmax(7rem,1fr));grid-auto-flow:dense;gap:.3rem .8rem;padding:.45rem .25rem;border-bottom:1px solid var(--line);break-inside:avoid}
table.ablation.print-blocks tr{grid-template-columns:repeat(auto-fill,minmax(14rem,1fr))}
table.data.print-blocks th,table.data.print-blocks td,table.data.print-blocks td.num{display:block;border:0;padding:0;text-align:left;white-space:normal;min-width:0}
table.data.print-blocks tbody th,table.data.print-blocks td:first-child{grid-column:1/-1;background:none;box-shadow:none}table.data.print-blocks tr>:first-child code.id{font-size:.8rem}
table.data.print-blocks td.wrap,table.data.print-blocks td.cert{grid-column:span 2}table.ablation.print-blocks td.cell-cannot{grid-column:1/-1}
table.data.print-blocks td::before{content:attr(data-label);display:block;font-size:.6rem;font-weight:600;color:var(--muted)}
table.ablation.print-blocks td::before{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.64rem;color:var(--fg)}
table.data.print-blocks td:first-child::before,table.data.print-blocks td.empty{display:none}table.data td.cert>code.exact{width:auto;max-width:100%}table.data .small{font-size:.92em}
svg.chart{max-width:100%}.hists svg.chart{width:100%}}
`;
