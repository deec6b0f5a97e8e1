/**
 * Every label of the desk, one dictionary per language. Chinese is the default; the choice is kept
 * in localStorage. `t('key', a, b)` fills `{0}`, `{1}`.
 */
import type { PartyOrganisation, HouseholdCheck } from '../solver/types.js';
import type { PlanState, Role, WorkflowAction } from '../server/store/types.js';

const zh = {
  appTitle: '一站 · 方案审核台',
  signInTitle: '登录',
  token: '令牌',
  tokenHelp: '请输入管理员发给您的令牌（仅保存在本浏览器标签页中，关闭即失效）。',
  signIn: '登录',
  signOut: '退出',
  badToken: '令牌无效或已撤销，请重新输入。',
  signedInAs: '当前身份',
  language: 'English',
  languageLabel: '切换语言',
  navInbox: '待办与方案',
  navSolve: '求解新方案',
  inbox: '待办',
  inboxEmpty: '暂无需要您处理的方案。',
  allPlans: '全部方案',
  filterState: '状态',
  filterOffice: '街道',
  any: '全部',
  page: '第 {0} / {1} 页',
  prev: '上一页',
  next: '下一页',
  colName: '方案',
  colOffices: '街道',
  colState: '状态',
  colKind: '类型',
  colStations: '工作站 前→后',
  colCreated: '创建时间',
  colVersion: '版本',
  kind_solved: '求解',
  kind_hand: '手工',
  unnamed: '（未命名）',
  loading: '加载中…',
  back: '← 返回列表',
  planTitle: '方案：{0}',
  revision: '第 {0} 版修订',
  round: '第 {0} 轮审核',
  version: '版本 {0}',
  map: '方案地图',
  mapHelp: '点击地图上的社区选中其工作站；点击下表中的工作站在地图上显示。',
  stations: '工作站',
  colNo: '号',
  colStation: '工作站',
  colCommittees: '社区',
  colHost: '驻地社区',
  colStationMembers: '同站社区',
  colHouseholds: '户数',
  colFacilities: '用房（㎡）办公 / 服务 / 广场',
  colChecks: '检查',
  colParty: '党组织',
  checks: '整体检查',
  stationsBeforeAfter: '工作站由 {0} 个调整为 {1} 个',
  staff: '工作人员 {0} 人 → {1} 人',
  facilityTarget: '{0}达标的工作站 {1} / {2} 个（{3}），目标 {4}',
  met: '达到',
  notMet: '未达到',
  noViolations: '没有违反规则之处。',
  violations: '违反规则之处',
  fatal: '硬性',
  warning: '提示',
  solverLine: '求解结果：{0}，目标值 {1}',
  status_optimal: '已证明最优', status_feasible: '可行（未证明最优）', status_time_limit: '到达时限（未证明最优）',
  status_infeasible: '无可行方案', status_error: '求解出错', status_evaluated: '人工方案，已按规则检查',
  planText: '方案文本',
  textZh: '中文',
  textEn: 'English',
  history: '办理经过',
  actions: '可办理的操作',
  noActions: '您的角色现在对此方案没有可办理的操作。',
  opinion: '意见',
  opinionHelp: '提出意见和退回时必须填写。',
  agree: '同意',
  disagree: '不同意',
  agreeLegend: '是否同意',
  done: '已办理：{0}。',
  staleReloaded: '其他人刚刚处理了这个方案，页面已重新加载为最新版本（版本 {0}），请查看后再操作。',
  forbidden: '您的角色无权办理此操作。',
  compareWith: '与另一方案比较',
  compare: '比较',
  compareTitle: '方案比较',
  changedCommittees: '调整了工作站的社区（{0} 个）',
  noChanges: '两个方案的工作站划分相同。',
  from: '原属工作站',
  to: '现属工作站',
  none: '无',
  checkFigures: '检查数字',
  figStationsAfter: '调整后工作站',
  figFatal: '硬性违规',
  figWarnings: '提示',
  figStaff: '工作人员',
  solveTitle: '求解新方案',
  dataset: '数据集',
  offices: '街道办事处',
  bandMin: '每站最少户数',
  bandMax: '每站最多户数',
  cap: '每站最多社区数',
  planName: '方案名称',
  solve: '求解',
  jobRunning: '正在求解…（已等待 {0} 秒）',
  jobFailed: '求解失败：{0}',
  chooseOffice: '请至少选择一个街道。',
  error: '出错了：{0}',
  station: '工作站',
  under: '户数不足',
  fatalMark: '违反硬性规则',
  legend: '图例',
  legendMerged: '合并的工作站（每站一色）',
  legendSingle: '未合并的工作站（浅色）',
  stationNo: '{0} 号工作站',
  officeBefore: '{0}（原有 {1} 个工作站）',
  legendUnder: '户数不足的工作站',
  legendFatal: '违反硬性规则的工作站',
  households: '{0} 户',
  contiguous: '地域相连',
  notContiguous: '地域不相连',
  office_ok: '办公用房达标', office_no: '办公用房不足',
  service_ok: '服务用房达标', service_no: '服务用房不足',
  plaza_ok: '广场达标', plaza_no: '广场不足',
  fac_office: '办公用房', fac_service: '服务用房', fac_plaza: '广场',
  agreed: '同意',
  disagreed: '不同意',
  byRole: '{0}',
  notFound: '找不到该页面。',
  editPlan: '编辑方案',
  editTitle: '编辑方案：{0}',
  editHelp: '把社区移到相邻的工作站或让它单独成站；检查和目标值随即更新。',
  costLine: '目标值 {0}，最优 {1}，{2}',
  costNoOptimum: '目标值 {0}（同一情景的最优值未知）',
  moveTo: '{0} 移到',
  stay: '留在 {0} 号站',
  joinStation: '并入 {0} 号站（{1}）',
  ownStation: '单独成站',
  committee: '社区',
  saveHand: '另存为手工方案',
  saveRevision: '保存为修订版',
  saved: '已保存为新方案。',
  changes: '已调整 {0} 个社区',
  undo: '撤销',
};

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  appTitle: 'yizhan · review desk',
  signInTitle: 'Sign in',
  token: 'Token',
  tokenHelp: 'Enter the token the administrator gave you (kept only in this browser tab; closing it forgets it).',
  signIn: 'Sign in',
  signOut: 'Sign out',
  badToken: 'Unknown or revoked token: enter it again.',
  signedInAs: 'Signed in as',
  language: '中文',
  languageLabel: 'Switch language',
  navInbox: 'Inbox and plans',
  navSolve: 'Solve a new plan',
  inbox: 'Inbox',
  inboxEmpty: 'Nothing waits for you.',
  allPlans: 'All plans',
  filterState: 'State',
  filterOffice: 'Street office',
  any: 'All',
  page: 'Page {0} of {1}',
  prev: 'Previous',
  next: 'Next',
  colName: 'Plan',
  colOffices: 'Street offices',
  colState: 'State',
  colKind: 'Kind',
  colStations: 'Stations before → after',
  colCreated: 'Created',
  colVersion: 'Version',
  kind_solved: 'solved',
  kind_hand: 'by hand',
  unnamed: '(unnamed)',
  loading: 'Loading…',
  back: '← Back to the list',
  planTitle: 'Plan: {0}',
  revision: 'revision {0}',
  round: 'review round {0}',
  version: 'version {0}',
  map: 'Plan map',
  mapHelp: 'Click a committee on the map to select its station; click a station in the table to show it on the map.',
  stations: 'Stations',
  colNo: 'No.',
  colStation: 'Station',
  colCommittees: 'Committees',
  colHost: 'Host',
  colStationMembers: 'Station\'s committees',
  colHouseholds: 'Households',
  colFacilities: 'Floor area (m²) office / service / plaza',
  colChecks: 'Checks',
  colParty: 'Party organisation',
  checks: 'Plan checks',
  stationsBeforeAfter: 'From {0} stations to {1}',
  staff: 'Staff {0} → {1}',
  facilityTarget: '{0}: {1} of {2} stations meet the standard ({3}), target {4}',
  met: 'met',
  notMet: 'not met',
  noViolations: 'No rule is broken.',
  violations: 'Rules broken',
  fatal: 'fatal',
  warning: 'warning',
  solverLine: 'Solver: {0}, objective {1}',
  status_optimal: 'proven optimal', status_feasible: 'feasible (not proven optimal)', status_time_limit: 'time limit reached (not proven optimal)',
  status_infeasible: 'no feasible plan', status_error: 'solver error', status_evaluated: 'hand-made plan, checked against the rules',
  planText: 'Plan text',
  textZh: '中文',
  textEn: 'English',
  history: 'History',
  actions: 'What you may do now',
  noActions: 'Your role has nothing to do on this plan now.',
  opinion: 'Opinion',
  opinionHelp: 'Required for an opinion and for a rejection.',
  agree: 'Agree',
  disagree: 'Disagree',
  agreeLegend: 'Do you agree?',
  done: 'Done: {0}.',
  staleReloaded: 'Someone else has just acted on this plan; the page has been reloaded at the latest version ({0}). Look again before you act.',
  forbidden: 'Your role may not do this.',
  compareWith: 'Compare with another plan',
  compare: 'Compare',
  compareTitle: 'Compare plans',
  changedCommittees: 'Committees whose station changes ({0})',
  noChanges: 'Both plans group the committees alike.',
  from: 'Station before',
  to: 'Station after',
  none: 'none',
  checkFigures: 'Check figures',
  figStationsAfter: 'Stations after',
  figFatal: 'Fatal breaks',
  figWarnings: 'Warnings',
  figStaff: 'Staff',
  solveTitle: 'Solve a new plan',
  dataset: 'Dataset',
  offices: 'Street offices',
  bandMin: 'Fewest households per station',
  bandMax: 'Most households per station',
  cap: 'Most committees per station',
  planName: 'Plan name',
  solve: 'Solve',
  jobRunning: 'Solving… ({0} s so far)',
  jobFailed: 'The solve failed: {0}',
  chooseOffice: 'Choose at least one street office.',
  error: 'Error: {0}',
  station: 'Station',
  under: 'under the household band',
  fatalMark: 'breaks a fatal rule',
  legend: 'Legend',
  legendMerged: 'Merged station (one colour each)',
  legendSingle: 'Station left alone (lighter)',
  stationNo: 'station {0}',
  officeBefore: '{0} ({1} stations before)',
  legendUnder: 'Station under the household band',
  legendFatal: 'Station breaking a fatal rule',
  households: '{0} households',
  contiguous: 'contiguous',
  notContiguous: 'not contiguous',
  office_ok: 'office space met', office_no: 'office space short',
  service_ok: 'service space met', service_no: 'service space short',
  plaza_ok: 'plaza met', plaza_no: 'plaza short',
  fac_office: 'Office space', fac_service: 'Service space', fac_plaza: 'Plaza',
  agreed: 'agrees',
  disagreed: 'disagrees',
  byRole: '{0}',
  notFound: 'No such page.',
  editPlan: 'Edit the plan',
  editTitle: 'Edit plan: {0}',
  editHelp: 'Move a committee to a neighbouring station or make it a station of its own; the checks and the cost update at once.',
  costLine: 'cost {0}, optimum {1}, {2}',
  costNoOptimum: 'cost {0} (optimum of the same scenario unknown)',
  moveTo: 'Move {0} to',
  stay: 'stay in station {0}',
  joinStation: 'join station {0} ({1})',
  ownStation: 'a station of its own',
  committee: 'Committee',
  saveHand: 'Save as a hand plan',
  saveRevision: 'Save as a revision',
  saved: 'Saved as a new plan.',
  changes: '{0} committee(s) moved',
  undo: 'Undo',
};

export type Lang = 'zh' | 'en';

const ROLE_NAMES: Record<Lang, Record<Role, string>> = {
  zh: {
    'street-office': '街道办事处', 'district-planner': '区规划人员', organisation: '区委组织部', 'civil-affairs': '区民政局',
    establishment: '区编办', 'district-government': '区政府', 'city-civil-affairs': '市民政局', admin: '系统管理员',
  },
  en: {
    'street-office': 'Street office', 'district-planner': 'District planner', organisation: 'Organisation department',
    'civil-affairs': 'Civil affairs bureau', establishment: 'Establishment office', 'district-government': 'District government',
    'city-civil-affairs': 'City civil affairs bureau', admin: 'Administrator',
  },
};

const STATE_NAMES: Record<Lang, Record<PlanState, string>> = {
  zh: { draft: '草稿', submitted: '已报送，审核中', approved: '已批准', rejected: '已退回', filed: '已备案' },
  en: { draft: 'draft', submitted: 'submitted, in review', approved: 'approved', rejected: 'rejected', filed: 'filed' },
};

const ACTION_NAMES: Record<Lang, Record<WorkflowAction | 'create' | 'revise' | 'update', string>> = {
  zh: { create: '创建', revise: '修订', update: '修改', concur: '街道同意', submit: '报送', opinion: '提出意见', approve: '批准', reject: '退回', file: '备案' },
  en: { create: 'created', revise: 'revised', update: 'edited', concur: 'Concur', submit: 'Submit', opinion: 'Give opinion', approve: 'Approve', reject: 'Reject', file: 'File' },
};

const HOUSEHOLD_CHECK: Record<Lang, Record<HouseholdCheck, string>> = {
  zh: { ok: '户数达标', under: '户数不足', over: '户数超标', exempt: '户数豁免' },
  en: { ok: 'households in band', under: 'households under the band', over: 'households over the band', exempt: 'households exempt' },
};

const PARTY: Record<Lang, Record<PartyOrganisation, string>> = {
  zh: { none: '无', branch: '党支部', 'general-branch': '党总支', committee: '党委' },
  en: { none: 'none', branch: 'branch', 'general-branch': 'general branch', committee: 'committee' },
};

const RULES: Record<Lang, Record<string, string>> = {
  zh: {
    'committee-duplicate': '社区重复', 'committee-missing': '社区遗漏', 'committee-out-of-scope': '社区超出范围',
    'cross-street-office': '跨街道合并', 'enclave-link': '飞地连接', 'existing-station-split': '拆分现有工作站',
    'households-over': '户数超标', 'households-under': '户数不足', infeasible: '无可行方案', 'lock-keep': '保持不变的约束',
    'lock-separate': '必须分开的约束', 'lock-together': '必须合并的约束', 'max-committees': '每站社区数超限',
    'not-contiguous': '地域不相连', 'self-contained-merged': '独立社区被合并', 'staff-total-changed': '工作人员总数变化',
    'station-count-up': '工作站数量增加',
    'facility-target-office': '办公用房达标比例未达目标', 'facility-target-service': '服务用房达标比例未达目标',
    'facility-target-plaza': '广场达标比例未达目标',
  },
  en: {},
};

let lang: Lang = (globalThis.localStorage?.getItem('yizhan-lang') === 'en' ? 'en' : 'zh');

export function getLang(): Lang { return lang; }
export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem('yizhan-lang', next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: Key, ...args: (string | number)[]): string {
  const text = (lang === 'zh' ? zh : en)[key];
  return text.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

/** The role in words; a street office with its name (街道办事处·黄贝). */
export function roleName(role: Role | string, streetOffice?: string | null): string {
  const name = ROLE_NAMES[lang][role as Role] ?? role;
  return streetOffice ? `${name}·${streetOffice}` : name;
}
export const stateName = (s: PlanState): string => STATE_NAMES[lang][s] ?? s;
export const actionName = (a: string): string => (ACTION_NAMES[lang] as Record<string, string>)[a] ?? a;
export const householdCheckName = (c: HouseholdCheck): string => HOUSEHOLD_CHECK[lang][c] ?? c;
export const partyName = (p: PartyOrganisation): string => PARTY[lang][p] ?? p;
export const ruleName = (r: string): string => RULES[lang][r] ?? r;

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}
export function formatNumber(n: number): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
}

/** The solver's status in words (summary.solver.status), the raw value where a newer server sends one we do not know. */
export function solverStatusWords(status: string): string {
  const key = `status_${status}`;
  return key in zh ? t(key as Key) : status;
}
