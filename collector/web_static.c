/* SPDX-License-Identifier: MIT */
/* The web page's fixed parts: its policy, its one script and its style
 * sheet, served from the collector itself so that the policy can forbid
 * everything inline and everything from elsewhere. */
#include "web.h"

/* Scripts, styles, fetches and form posts from this origin only; no
 * inline script or style (report strings could never run even if one
 * escaped), no frames, no plugins, no <base>. The inline SVG charts are
 * markup, not images, and need nothing. */
const char hb_web_csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
	"base-uri 'none'";

/* Refreshes a page while its <main data-refresh=URL> says something runs:
 * fetches URL (the same page's <main> alone, rendered by the server) and
 * swaps it in, until a <main> comes back without data-refresh. The page is
 * never reloaded, so scrolling, focus and the window object stay. */
const char hb_web_js[] =
	"'use strict';\n"
	"(function () {\n"
	"  var every = 1000;\n"
	"  function tick() {\n"
	"    var main = document.getElementById('main');\n"
	"    var url = main && main.getAttribute('data-refresh');\n"
	"    if (!url) return;\n"
	"    fetch(url, { credentials: 'same-origin', cache: 'no-store' })\n"
	"      .then(function (r) {\n"
	"        if (!r.ok) throw new Error('HTTP ' + r.status);\n"
	"        return r.text();\n"
	"      })\n"
	"      .then(function (html) {\n"
	"        var doc = new DOMParser().parseFromString(html, 'text/html');\n"
	"        var next = doc.getElementById('main');\n"
	"        if (next) main.replaceWith(document.adoptNode(next));\n"
	"      })\n"
	"      .catch(function () {})\n"
	"      .then(function () { setTimeout(tick, every); });\n"
	"  }\n"
	"  setTimeout(tick, every);\n"
	"})();\n";

const char hb_web_css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}\n"
	"header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#24292f;"
	"color:#fff}\n"
	"header a{color:#fff;text-decoration:none;font-weight:600}\n"
	".crumb{font-family:ui-monospace,monospace}\n"
	"main{padding:1em}\n"
	"table{border-collapse:collapse;width:100%;background:#fff}\n"
	"th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #e3e3e3;"
	"vertical-align:top}\n"
	"th{font-weight:600;color:#555;font-size:12px}\n"
	".phase{display:inline-block;padding:0 .5em;border-radius:3px;font-size:12px;"
	"font-weight:600;color:#fff}\n"
	".phase.succeeded,.mark.succeeded{background:#1a7f37}\n"
	".phase.failed,.mark.failed{background:#cf222e}\n"
	".phase.running,.mark.running{background:#bf8700}\n"
	".phase.unknown,.mark.unknown{background:#6e7781}\n"
	".revisions{display:flex;flex-wrap:wrap;gap:3px;margin-bottom:1em}\n"
	".mark{display:inline-block;min-width:1.8em;text-align:center;color:#fff;"
	"font-size:11px;border-radius:2px;text-decoration:none;padding:2px 0}\n"
	".mark.selected{outline:2px solid #0969da;outline-offset:1px}\n"
	".hook{margin:1em 0 2em}\n"
	".hook h2{font-size:16px;margin:.2em 0}\n"
	".meta{color:#57606a;margin:.2em 0 .5em;font-size:12px}\n"
	".check.failed .outcome,.check.failed .class{color:#cf222e;font-weight:600}\n"
	".check.passed .outcome{color:#1a7f37}\n"
	".target span,.argv{font-family:ui-monospace,monospace;font-size:12px;color:#57606a}\n"
	".hint{color:#57606a;font-style:italic}\n"
	"pre.output{background:#f6f8fa;padding:.4em;max-height:16em;overflow:auto;"
	"white-space:pre-wrap;margin:.3em 0}\n"
	"pre.stderr{border-left:3px solid #cf222e}\n"
	".cut{color:#57606a}\n"
	"svg.latency polyline{fill:none;stroke:#0969da;stroke-width:1.5}\n"
	"svg.latency circle.fail{fill:#cf222e}\n"
	".failed-checks.some{color:#cf222e;font-weight:600}\n"
	".error{color:#cf222e}\n"
	".empty,.note{color:#57606a}\n"
	"select,input,button{font:inherit}\n"
	".filter{margin-left:auto}\n"
	".filter label{color:#fff}\n";
