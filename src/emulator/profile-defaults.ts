/** Profile defaults: the grey avatar WeChat has handed out since the 2021–2022 profile changes (docs/wechat-api.md §4.4, §7.3), and the default nickname. */
export const DEFAULT_AVATAR =
  'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132';

/** The nickname WeChat shows for a person without one. */
export const DEFAULT_NICKNAME = '微信用户';
