// The levels of the platform file and of share scopes are three words (province, city, county), while China's
// divisions have more names: Yanbian is an autonomous prefecture (自治州) at the city level, Yanji a
// county-level city (县级市). A developer of such a division wrote `level: prefecture` and was told only
// `"prefecture" is not one of: province, city, county`, with nothing saying which of the three it is.

const LEVEL_OF: Readonly<Record<string, 'province' | 'city' | 'county'>> = {
  // provincial-level divisions
  municipality: 'province', 'autonomous region': 'province', 'special administrative region': 'province',
  直辖市: 'province', 自治区: 'province', 省: 'province', 特别行政区: 'province',
  // prefecture-level divisions (地级)
  prefecture: 'city', 'autonomous prefecture': 'city', 'prefecture level city': 'city', league: 'city',
  地级市: 'city', 地区: 'city', 自治州: 'city', 州: 'city', 盟: 'city', 市: 'city',
  // county-level divisions (县级)
  district: 'county', 'county level city': 'county', banner: 'county', 'autonomous county': 'county',
  'autonomous banner': 'county', 县级市: 'county', 市辖区: 'county', 区: 'county', 县: 'county',
  自治县: 'county', 旗: 'county', 自治旗: 'county',
};

const EXAMPLE: Readonly<Record<'province' | 'city' | 'county', string>> = {
  province: 'a provincial-level division (a province, autonomous region or municipality) is level province',
  city: 'a prefecture-level division (a prefecture-level city, prefecture, autonomous prefecture or league, with a code such as 222400) is level city',
  county: 'a county-level division (a county, district, county-level city or banner, with a code such as 222401) is level county',
};

/** What `word`, a name of a kind of division that is not one of the three levels, is at the platform: a hint, or undefined. */
export function levelHint(word: string): string | undefined {
  const key = word.trim().toLowerCase().replace(/[-_\s]+/g, ' ').replace(/ level$/, '');
  const level = LEVEL_OF[key];
  return level === undefined ? undefined : `${EXAMPLE[level]}: write "${level}"`;
}
