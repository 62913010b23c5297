/**
 * Cyrillic names in Latin letters, for an id made from a name (the Add-to-KB stub's, and the
 * did-you-mean of an id written as a name): an id is `[a-z0-9-]`, and an analyst of Central Asia
 * writes names in Russian, Kazakh, Kyrgyz, Tajik or Uzbek Cyrillic. A plain letter-for-letter
 * scheme without diacritics, close to the usual English transliteration (Назарбаев → nazarbaev,
 * Шанхай → shankhay); other scripts are left as they are, and make no id.
 */
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k',
  л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts',
  ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Kazakh, Kyrgyz, Tajik and Uzbek letters.
  ә: 'a', ғ: 'gh', қ: 'q', ң: 'ng', ө: 'o', ұ: 'u', ү: 'u', һ: 'h', і: 'i', ӣ: 'i', ӯ: 'u', ҳ: 'h', ҷ: 'j', ў: 'o',
};

export function romanizeCyrillic(name: string): string {
  return name.toLowerCase().replace(/[\u0400-\u04ff]/g, (c) => CYRILLIC[c] ?? c);
}
