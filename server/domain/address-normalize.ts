// Normalises a Chinese address to the registry's canonical text so variants compare equal:
// full-width → half-width, unit-word variants unified, administrative prefixes and punctuation removed.

const administrativePrefixes = ['浙江省', '台州市', '天台县'];

const unitVariants: [RegExp, string][] = [
  [/號/g, '号'],
  [/[栋棟]/g, '幢'],
  [/号楼/g, '幢'],
  [/(\d+)楼(?=\d+单元|\d+室|$)/g, '$1幢'],
  [/單元/g, '单元'],
  [/(\d+)房/g, '$1室'],
  [/衖/g, '弄'],
];

export function normalizeAddress(input: string): string {
  let text = input.normalize('NFKC');
  text = text.replace(/[\s\p{P}\p{S}]+/gu, '');
  text = text.toUpperCase();
  for (const prefix of administrativePrefixes) {
    if (text.startsWith(prefix)) text = text.slice(prefix.length);
  }
  for (const [pattern, replacement] of unitVariants) text = text.replace(pattern, replacement);
  return text;
}
