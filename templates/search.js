// newsroom search: loads the index written by `newsroom build` (search/meta.json, then only
// the shards of the query's terms and the records of the results shown). No dependencies,
// no network beyond this site. The tokenizer and ranking mirror src/search/tokenize.rs and
// src/search/query.rs: change them together (tests/search.rs and tests/e2e check both).
(function () {
  'use strict';

  // ---- tokenizer (src/search/tokenize.rs) ----
  var CJK = /[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uAC00-\uD7AF\u{20000}-\u{2FA1F}]/u;
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var NUMERIC = /^\p{N}$/u;
  var MAX_WORD_CHARS = 32;
  var stopWords = new Set();
  var plurals = [];
  var encoder = new TextEncoder();

  function normalize(c) {
    var cp = c.codePointAt(0);
    if (cp >= 0xff01 && cp <= 0xff5e) c = String.fromCodePoint(cp - 0xfee0);
    if (CJK.test(c)) return c;
    return c.toLowerCase();
  }

  // The plural rules of rules/search.toml, longest ending first (meta.json lists them so):
  // the first that applies folds the word (src/search/tokenize.rs fold_plural).
  function foldPlural(w) {
    var n = Array.from(w).length;
    for (var i = 0; i < plurals.length; i++) {
      var r = plurals[i];
      if (!w.endsWith(r.ending)) continue;
      var stem = w.slice(0, w.length - r.ending.length);
      var after = r.after || [];
      if (n < r.min_chars || !(after.length === 0 || after.some(function (a) { return stem.endsWith(a); }))) continue;
      return r.keep ? w : stem + r.becomes;
    }
    return w;
  }

  function terms(text) {
    var out = [];
    var word = '', wordChars = 0, prev = null, run = 0;
    function finishWord() {
      if (wordChars > 0) {
        var single = wordChars === 1 && !NUMERIC.test(word);
        if (!single && !stopWords.has(word)) out.push(foldPlural(word));
        word = '';
        wordChars = 0;
      }
    }
    function finishCjk() {
      if (run === 1 && prev !== null) out.push(prev);
      prev = null;
      run = 0;
    }
    function push(c) {
      if (CJK.test(c)) {
        finishWord();
        if (prev !== null) out.push(prev + c);
        prev = c;
        run += 1;
      } else if (ALNUM.test(c)) {
        finishCjk();
        if (wordChars < MAX_WORD_CHARS) word += c;
        wordChars += 1;
      } else {
        finishWord();
        finishCjk();
      }
    }
    for (var ch of text) {
      for (var n of normalize(ch)) push(n);
    }
    finishWord();
    finishCjk();
    return out;
  }

  function queryTerms(q) {
    var seen = [];
    terms(q).forEach(function (t) { if (seen.indexOf(t) < 0) seen.push(t); });
    return seen;
  }

  function hash32(s, seed) {
    var b = encoder.encode(s);
    var h = (0x811c9dc5 ^ seed) >>> 0;
    for (var i = 0; i < b.length; i++) {
      h ^= b[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  }

  function shardOf(term, bits) {
    return bits === 0 ? 0 : hash32(term, 0) >>> (32 - bits);
  }

  // ---- index access (src/search/index.rs has the layout) ----
  var app = document.getElementById('search-app');
  var base = app ? app.getAttribute('data-base') : '/';
  var root = base + 'search/';
  var metaPromise = null;
  var shardCache = new Map();
  var docCache = new Map();
  var bytesLoaded = 0;

  function fetchBytes(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.arrayBuffer();
    }).then(function (b) {
      bytesLoaded += b.byteLength;
      return new Uint8Array(b);
    });
  }

  function loadMeta() {
    if (!metaPromise) {
      metaPromise = fetch(root + 'meta.json', { cache: 'no-cache' }).then(function (r) {
        if (!r.ok) throw new Error('meta.json: ' + r.status);
        return r.json();
      }).then(function (m) {
        if (m.format !== 2) throw new Error('search index format ' + m.format);
        stopWords = new Set(m.stop_words);
        plurals = m.plural_endings;
        return m;
      });
      metaPromise.catch(function () { metaPromise = null; });
    }
    return metaPromise;
  }

  function loadShard(meta, n) {
    var key = meta.version + '/' + n;
    if (!shardCache.has(key)) {
      var p = fetchBytes(root + 'shards/' + n + '.bin?v=' + meta.version);
      p.catch(function () { shardCache.delete(key); });
      shardCache.set(key, p);
    }
    return shardCache.get(key);
  }

  function loadDoc(meta, id) {
    var chunk = Math.floor(id / meta.doc_chunk);
    var key = meta.version + '/' + chunk;
    if (!docCache.has(key)) {
      var p = fetchBytes(root + 'docs/' + chunk + '.json?v=' + meta.version).then(function (b) {
        return JSON.parse(new TextDecoder().decode(b));
      });
      p.catch(function () { docCache.delete(key); });
      docCache.set(key, p);
    }
    return docCache.get(key).then(function (recs) { return recs[id % meta.doc_chunk]; });
  }

  function varint(b, pos) {
    var v = 0, shift = 0, x;
    do {
      x = b[pos[0]++];
      v += (x & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (x >= 0x80);
    return v;
  }

  function sameBytes(b, at, want) {
    for (var i = 0; i < want.length; i++) if (b[at + i] !== want[i]) return false;
    return true;
  }

  // Adds the term's postings to acc: doc -> [matched, score].
  function addPostings(bytes, term, acc) {
    var want = encoder.encode(term);
    var pos = [0];
    while (pos[0] < bytes.length) {
      var len = varint(bytes, pos);
      var at = pos[0];
      pos[0] += len;
      var df = varint(bytes, pos);
      var idf = varint(bytes, pos);
      var blockLen = varint(bytes, pos);
      if (len === want.length && sameBytes(bytes, at, want)) {
        var end = pos[0] + blockLen, doc = 0;
        for (var i = 0; i < df && pos[0] < end; i++) {
          doc += varint(bytes, pos);
          var w = bytes[pos[0]++];
          var a = acc.get(doc);
          if (!a) { a = [0, 0]; acc.set(doc, a); }
          a[0] += 1;
          a[1] += idf * w;
        }
        return;
      }
      pos[0] += blockLen;
    }
  }

  // The ranking of src/search/query.rs: [{doc, matched, score}], best first.
  function search(q) {
    return loadMeta().then(function (meta) {
      var ts = queryTerms(q);
      return Promise.all(ts.map(function (t) { return loadShard(meta, shardOf(t, meta.shard_bits)); }))
        .then(function (shards) {
          var acc = new Map();
          ts.forEach(function (t, i) { addPostings(shards[i], t, acc); });
          var all = ts.length, anyFull = false;
          acc.forEach(function (a) { if (a[0] === all) anyFull = true; });
          var hits = [];
          acc.forEach(function (a, doc) {
            if (!anyFull || a[0] === all) hits.push({ doc: doc, matched: a[0], score: a[1] });
          });
          hits.sort(function (x, y) {
            return (y.matched - x.matched) || (y.score - x.score) || (x.doc - y.doc);
          });
          return { meta: meta, terms: ts, hits: hits, complete: anyFull || all === 0 };
        });
    });
  }

  // ---- results page ----
  // Text as it is matched for highlighting: full-width ASCII as half-width, lowercased, one
  // UTF-16 unit for one (a character whose lowercase is longer stays as it is), so that a
  // position in the folded text is the same position in the text.
  function fold(s) {
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var c = s[i], cp = s.charCodeAt(i);
      if (cp >= 0xff01 && cp <= 0xff5e) c = String.fromCharCode(cp - 0xfee0);
      var l = c.toLowerCase();
      out += l.length === 1 ? l : c;
    }
    return out;
  }

  // A character of a word the tokenizer keeps whole (not CJK, which it pairs).
  function isWordChar(c) {
    return c !== undefined && ALNUM.test(c) && !CJK.test(c);
  }

  function needlesOf(q, ts) {
    // What to highlight: the query as typed, each typed word (matched as a whole word, in any
    // plural form the tokenizer folds alike) and each CJK run with its bigrams, longest first
    // so that a whole phrase wins over its parts.
    var typed = fold(q).replace(/\s+/g, ' ').trim();
    var words = new Set(), cjk = new Set();
    typed.split(/[^\p{Alphabetic}\p{N}]+/u).forEach(function (part) {
      var latin = part.split(CJK).filter(Boolean);
      var runs = part.match(new RegExp(CJK.source + '+', 'gu')) || [];
      latin.forEach(function (w) {
        if (Array.from(w).length > 1 || NUMERIC.test(w)) { words.add(w); words.add(foldPlural(w)); }
      });
      runs.forEach(function (r) {
        cjk.add(r);
        var cs = Array.from(r);
        for (var i = 0; i + 1 < cs.length; i++) cjk.add(cs[i] + cs[i + 1]);
      });
    });
    var longest = function (a, b) { return b.length - a.length; };
    var phrases = typed && !words.has(typed) && !cjk.has(typed) ? [typed] : [];
    // `terms`: the query's terms (`ts`), what a match counts for when a window is chosen.
    return { phrases: phrases, words: words, cjk: Array.from(cjk).sort(longest), terms: new Set(ts) };
  }

  // The [start, end) of every match of `needles` in `text`, in order, not overlapping.
  function findMatches(text, needles) {
    var f = fold(text);
    var found = [];
    var i = 0;
    outer: while (i < f.length) {
      var wordStart = isWordChar(f[i]) && !isWordChar(f[i - 1]);
      for (var k = 0; k < needles.phrases.length; k++) {
        var p = needles.phrases[k], e = i + p.length;
        if (f.startsWith(p, i) && (wordStart || !isWordChar(p[0]))
          && !(isWordChar(p[p.length - 1]) && isWordChar(f[e]))) {
          found.push([i, e]);
          i = e;
          continue outer;
        }
      }
      if (wordStart) {
        var j = i + 1;
        while (j < f.length && isWordChar(f[j])) j++;
        var w = f.slice(i, j);
        if (needles.words.has(w) || needles.words.has(foldPlural(w))) found.push([i, j]);
        i = j;
        continue;
      }
      for (k = 0; k < needles.cjk.length; k++) {
        if (f.startsWith(needles.cjk[k], i)) {
          found.push([i, i + needles.cjk[k].length]);
          i += needles.cjk[k].length;
          continue outer;
        }
      }
      i += 1;
    }
    return found;
  }

  function highlighted(text, matches) {
    var frag = document.createDocumentFragment();
    var at = 0;
    matches.forEach(function (m) {
      if (m[0] > at) frag.appendChild(document.createTextNode(text.slice(at, m[0])));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(m[0], m[1]);
      frag.appendChild(mark);
      at = m[1];
    });
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  // ---- snippets: the passage that matched ----
  var SNIPPET = 140;

  // Whether a sentence starts at `p` (after a paragraph break, a CJK stop, or '. ').
  function sentenceStart(t, p) {
    if (p === 0) return true;
    var c = t[p - 1];
    return c === '\n' || '。！？；'.indexOf(c) >= 0 || (c === ' ' && '.!?'.indexOf(t[p - 2]) >= 0);
  }

  // Whether a clause starts at `p` (after a comma or colon).
  function clauseStart(t, p) {
    var c = t[p - 1];
    return p > 0 && ('，、：'.indexOf(c) >= 0 || (c === ' ' && ',:;'.indexOf(t[p - 2]) >= 0));
  }

  // Whether a sentence ends just before `p`.
  function sentenceEnd(t, p) {
    if (p === t.length || t[p] === '\n') return true;
    var c = t[p - 1];
    return '。！？；'.indexOf(c) >= 0 || ('.!?'.indexOf(c) >= 0 && /\s/.test(t[p]));
  }

  function midWord(t, p) {
    return isWordChar(t[p - 1]) && isWordChar(t[p]);
  }

  // Never between the two halves of a surrogate pair.
  function unitSafe(t, p) {
    var c = t.charCodeAt(p);
    return c >= 0xdc00 && c <= 0xdfff ? p - 1 : p;
  }

  // The window of the text to show: the ~SNIPPET units that cover the most distinct query
  // terms (ties: the earliest), begun at a sentence start when one is near before the first
  // match (else a clause start, else between words, some context before the match), and
  // ended at a sentence end, else between words. `keys[i]` are the query terms match i
  // stands for. With no match, the opening.
  function snippetWindow(t, ms, keys) {
    var first = 0, last = 0, best = 0;
    for (var i = 0; i < ms.length; i++) {
      // The window from match i: the matches within reach, and the end of the last one that
      // brings a term not seen yet (later repeats need not fit).
      var seen = new Set(), until = ms[i][1];
      for (var j = i; j < ms.length && ms[j][1] - ms[i][0] <= SNIPPET; j++) {
        var n = seen.size;
        keys[j].forEach(function (k) { seen.add(k); });
        if (seen.size > n) until = ms[j][1];
      }
      if (seen.size > best) { best = seen.size; first = ms[i][0]; last = until; }
    }
    var reach = Math.max(0, first - Math.max(0, SNIPPET - (last - first)));
    var start = first;
    while (start > reach && !sentenceStart(t, start)) start--;
    if (!sentenceStart(t, start)) {
      // No sentence starts near: a clause start about 30 units before the match, else a
      // word start there.
      var near = Math.max(reach, first - 30), p;
      start = -1;
      for (p = near; start < 0 && p >= Math.max(reach, near - 20); p--) if (clauseStart(t, p)) start = p;
      for (p = near; start < 0 && p <= first - 8; p++) if (clauseStart(t, p)) start = p;
      if (start < 0) {
        start = near;
        p = near;
        while (p > reach && p > near - 15 && midWord(t, p)) p--;
        if (!midWord(t, p)) start = p;
        while (start < first && midWord(t, start)) start++;
      }
      while (start < first && t[start] === ' ') start++;
    }
    start = unitSafe(t, start);
    var end = Math.min(t.length, start + SNIPPET);
    if (end < t.length) {
      var e = end, floor = Math.max(last, start + Math.floor(SNIPPET * 0.6));
      while (e > floor && !sentenceEnd(t, e)) e--;
      if (sentenceEnd(t, e) && e >= floor) end = e;
      else {
        e = end;
        while (e > last && midWord(t, e)) e--;
        if (e > last) end = e;
      }
      end = unitSafe(t, end);
      while (end > last && t[end - 1] === ' ') end--;
    }
    return [start, end];
  }

  function snippet(text, needles) {
    // White space as one space; a paragraph break kept (as '\n') for sentence boundaries.
    var flat = text.replace(/[^\S\n]+/g, ' ').replace(/ ?\n\s*/g, '\n').trim();
    var all = findMatches(flat, needles);
    var keys = all.map(function (m) {
      var piece = flat.slice(m[0], m[1]);
      var ks = terms(piece).filter(function (t) { return needles.terms.has(t); });
      return ks.length ? ks : [fold(piece)];
    });
    var w = snippetWindow(flat, all, keys);
    var start = w[0], end = w[1];
    var part = flat.slice(start, end).replace(/\n/g, ' ');
    var ms = all.filter(function (m) { return m[0] >= start && m[1] <= end; })
      .map(function (m) { return [m[0] - start, m[1] - start]; });
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode('…'));
    frag.appendChild(highlighted(part, ms));
    if (end < flat.length) frag.appendChild(document.createTextNode('…'));
    return frag;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function resultItem(rec, needles) {
    var li = el('li', 'result');
    var card = el('article', 'card');
    card.lang = rec.l;
    var h = el('h2', 'card-title');
    var a = el('a');
    a.href = base + rec.p;
    a.appendChild(highlighted(rec.t, findMatches(rec.t, needles)));
    h.appendChild(a);
    card.appendChild(h);
    var meta = el('p', 'meta');
    if (rec.d) {
      var time = el('time', null, rec.d);
      if (rec.dt) time.setAttribute('datetime', rec.dt);
      meta.appendChild(time);
    }
    if (rec.s) meta.appendChild(el('span', 'source', rec.s));
    card.appendChild(meta);
    var sn = el('p', 'summary snippet');
    sn.appendChild(snippet(rec.x, needles));
    card.appendChild(sn);
    if (rec.g.length) {
      var ul = el('ul', 'tags');
      rec.g.forEach(function (g) {
        var chip = el('a', 'chip chip-' + g[0], g[1]);
        chip.href = base + g[0] + '/' + g[2] + '/';
        var tli = el('li');
        tli.appendChild(chip);
        ul.appendChild(tli);
      });
      card.appendChild(ul);
    }
    li.appendChild(card);
    return li;
  }

  var PAGE = 10;
  var seq = 0;

  function msg(name, n) {
    return (app.getAttribute('data-msg-' + name) || '').replace('{n}', String(n));
  }

  // The most used terms (search.html): shown with no query, no results or an error, so that
  // the page always offers somewhere to go.
  function suggest(on) {
    var s = document.getElementById('search-suggest');
    if (s) s.hidden = !on;
  }

  function run(q, started) {
    var mine = ++seq;
    var list = document.getElementById('search-results');
    var status = document.getElementById('search-status');
    if (!q.trim()) {
      list.replaceChildren();
      status.textContent = '';
      suggest(true);
      return Promise.resolve();
    }
    return search(q).then(function (r) {
      if (mine !== seq) return;
      var needles = needlesOf(q, r.terms);
      function show(from) {
        var ids = r.hits.slice(from, from + PAGE);
        return Promise.all(ids.map(function (h) { return loadDoc(r.meta, h.doc); })).then(function (recs) {
          if (mine !== seq) return;
          var items = recs.map(function (rec) { return resultItem(rec, needles); });
          var more = document.getElementById('search-more');
          if (more) more.remove();
          if (from === 0) list.replaceChildren.apply(list, items);
          else items.forEach(function (i) { list.appendChild(i); });
          if (from + PAGE < r.hits.length) {
            var li = el('li', 'search-more-item');
            var b = el('button', 'search-more', msg('more'));
            b.id = 'search-more';
            b.type = 'button';
            b.addEventListener('click', function () {
              li.remove();
              show(from + PAGE).then(function () {
                var links = list.querySelectorAll('.card-title a');
                if (links[from + PAGE]) links[from + PAGE].focus();
              });
            });
            li.appendChild(b);
            list.appendChild(li);
          }
        });
      }
      suggest(r.hits.length === 0);
      status.textContent = r.hits.length === 0 ? msg('none')
        : (r.complete ? '' : msg('partial') + ' · ') + msg('results', r.hits.length);
      return show(0).then(function () {
        if (mine !== seq) return;
        var ms = performance.now() - started;
        app.setAttribute('data-latency-ms', ms.toFixed(1));
        app.setAttribute('data-query', q);
        app.setAttribute('data-bytes', String(bytesLoaded));
      });
    }).catch(function (e) {
      if (mine !== seq) return;
      status.textContent = msg('error');
      suggest(true);
      if (window.console) console.warn('search:', e);
    });
  }

  // For tests and other scripts: the ranking without the page.
  window.newsroomSearch = {
    terms: function (q) { return loadMeta().then(function () { return queryTerms(q); }); },
    search: function (q) {
      return search(q).then(function (r) {
        return Promise.all(r.hits.slice(0, PAGE).map(function (h) { return loadDoc(r.meta, h.doc); }))
          .then(function (recs) {
            return recs.map(function (rec, i) {
              var h = r.hits[i];
              return { path: rec.p, doc: h.doc, matched: h.matched, score: h.score };
            });
          });
      });
    },
    bytesLoaded: function () { return bytesLoaded; },
    hash32: hash32
  };

  if (!app) return;
  var input = document.getElementById('search-q');
  var form = input.form;
  var q0 = new URLSearchParams(location.search).get('q') || '';
  input.value = q0;
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    run(input.value, performance.now());
  });
  input.addEventListener('input', function () {
    var started = performance.now();
    var q = input.value;
    var url = new URL(location.href);
    if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
    history.replaceState(null, '', url);
    run(q, started);
  });
  // Keyboard: ↓ from the box into the results, ↑/↓ between them, Esc back to the box.
  app.addEventListener('keydown', function (e) {
    var links = Array.from(document.querySelectorAll('#search-results .card-title a, #search-more'));
    var i = links.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' && (e.target === input || i >= 0)) {
      if (links[i + 1]) { links[i + 1].focus(); e.preventDefault(); }
    } else if (e.key === 'ArrowUp' && i >= 0) {
      (i === 0 ? input : links[i - 1]).focus();
      e.preventDefault();
    } else if (e.key === 'Escape' && e.target !== input) {
      input.focus();
      e.preventDefault();
    }
  });
  input.focus();
  loadMeta().catch(function () {});
  if (q0) {
    suggest(false);
    run(q0, performance.now());
  }
})();
