// Product search for the search box: ranks every product name against the
// words typed, so that small typos ("wol scraf") still find the right thing.
import { productNames } from './catalog.js';

const RESULTS = 10;

// Lower-case words of every name, split once: productNames() never changes.
let nameWords;

// Edit distance between two words (insertions, deletions, substitutions).
function levenshtein(a, b) {
  if (a === b) return 0;
  let prev = new Array(b.length + 1);
  let row = new Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length];
}

// 1 when every query word appears in the name, less the more letters differ.
function score(queryWords, words) {
  let total = 0;
  for (const q of queryWords) {
    let best = 0;
    for (const w of words) {
      const similarity = 1 - levenshtein(q, w) / Math.max(q.length, w.length);
      if (similarity > best) best = similarity;
    }
    total += best;
  }
  return queryWords.length === 0 ? 0 : Math.round((total / queryWords.length) * 1000) / 1000;
}

export async function search(query) {
  const queryWords = query.toLowerCase().split(/\s+/).filter(Boolean);
  const names = productNames();
  nameWords ??= names.map((name) => name.toLowerCase().split(' '));
  const ranked = names.map((name, i) => ({
    id: i + 1,
    name,
    score: score(queryWords, nameWords[i]),
  }));
  ranked.sort((a, b) => b.score - a.score || a.id - b.id);
  return ranked.slice(0, RESULTS);
}
