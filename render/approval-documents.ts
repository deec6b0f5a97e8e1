/**
 * The documents of the approval procedure (seed 000, Shenzhen 2016 draft, art. 6): the street
 * office's 请示 at submission (the 方案 attached), one 意见 per reviewer (区委组织部, 区民政局, 区编办),
 * the district government's 批复 (approved, or rejected with the reasons), the 备案 to 市民政局, and
 * where party organisations change, the report to 区委组织部. Each is an OfficialDocument drawn
 * from the plan's history; render/docx.ts lays it out.
 */
import type { OfficialDocument, DocumentSection } from './plan-document.js';
import { withFullWidthPunctuation } from './plan-document.js';
import { formatStreetOfficeName } from './text.js';

export type ReviewerRoleName = 'organisation' | 'civil-affairs' | 'establishment';
export const APPROVAL_DOCUMENT_KINDS = ['request', 'opinion-organisation', 'opinion-civil-affairs', 'opinion-establishment', 'reply', 'filing', 'party-filing'] as const;
export type ApprovalDocumentKind = (typeof APPROVAL_DOCUMENT_KINDS)[number];

/** One step of the plan's history (server/store HistoryEntry, as plain data). */
export interface ApprovalStep {
  action: string;
  at: string;
  opinion: string | null;
  agree: boolean | null;
}

export interface ReviewerOpinion {
  round: number;
  role: ReviewerRoleName;
  agree: boolean;
  text: string;
  at: string;
}

export interface ApprovalInput {
  /** The 方案's title (render/plan-document.ts). */
  planTitle: string;
  /** Street offices of the plan. */
  scope: string[];
  stationsBefore: number;
  stationsAfter: number;
  /** The district, e.g. 罗湖区; default: texts say 区. */
  district?: string;
  steps: ApprovalStep[];
  opinions: ReviewerOpinion[];
  /**
   * Street offices that concurred with a district plan before the district submitted it (in the
   * order they did; server/workflow.ts listConcurrences). [none]
   */
  concurred?: string[];
  /** Stations (by their committees) whose party organisation is upgraded, with before → after in words. */
  partyChanges: string[];
  /** 发文字号 of the document asked for. */
  documentNumber?: string;
}

/** The step a document needs has not happened yet. */
export class ApprovalDocumentNotReady extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApprovalDocumentNotReady';
  }
}

const REVIEWER_BODY: Record<ReviewerRoleName, { body: string; self: string }> = {
  organisation: { body: '区委组织部', self: '我部' },
  'civil-affairs': { body: '区民政局', self: '我局' },
  establishment: { body: '区编办', self: '我办' },
};

/** 2006-08-14T03:00:00Z → 2006-08-14 in China Standard Time (UTC+8), where the documents are dated. */
export function formatChinaDate(at: string): string {
  const t = Date.parse(at);
  if (!Number.isFinite(t)) throw new RangeError(`approval document: not a timestamp: ${JSON.stringify(at)}`);
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

function lastStep(steps: readonly ApprovalStep[], actions: readonly string[]): ApprovalStep | undefined {
  for (let i = steps.length - 1; i >= 0; i--) if (actions.includes(steps[i]!.action)) return steps[i];
  return undefined;
}

/** 罗湖区 + 区民政局 → 罗湖区民政局; without a district the body's name stays 区民政局. */
function bodyOf(district: string | undefined, body: string): string {
  return district ? `${district}${body.replace(/^区/, '')}` : body;
}

function paragraphs(text: string): DocumentSection['blocks'] {
  return text.split(/\n+/).map((t) => t.trim()).filter(Boolean).map((t) => ({ kind: 'paragraph' as const, text: t }));
}

/**
 * One approval document of a plan.
 * @throws ApprovalDocumentNotReady when the step it records has not happened (no submission, no
 *   opinion of that reviewer in the latest round, no decision, not approved)
 */
export function makeApprovalDocument(kind: ApprovalDocumentKind, input: ApprovalInput): OfficialDocument {
  const d = input.district;
  const government = d ? `${d}人民政府` : '区人民政府';
  const single = input.scope.length === 1;
  const applicant = single ? formatStreetOfficeName(input.scope[0]!) : bodyOf(d, '区民政局');
  const scopeName = single ? formatStreetOfficeName(input.scope[0]!) : d ?? '全区';
  const planRef = `《${input.planTitle}》`;
  const change = input.stationsAfter < input.stationsBefore
    ? `将${single ? '辖区' : scopeName}${input.stationsBefore}个社区工作站调整合并为${input.stationsAfter}个`
    : `保持${single ? '辖区' : scopeName}${input.stationsBefore}个社区工作站不变`;
  const submit = lastStep(input.steps, ['submit']);
  const requestTitle = `关于${scopeName}社区工作站整合方案的请示`;
  const number = input.documentNumber ? { documentNumber: input.documentNumber } : {};
  const doc = (x: Omit<OfficialDocument, 'annexes'> & { annexes?: OfficialDocument['annexes'] }): OfficialDocument =>
    withFullWidthPunctuation({ annexes: [], ...number, ...x });
  if (!submit) throw new ApprovalDocumentNotReady('the plan has not been submitted: there is no 请示 yet');
  const round = input.opinions.reduce((m, o) => Math.max(m, o.round), 0);

  const concurred = (input.concurred ?? []).filter((o) => input.scope.includes(o));
  const concurrence = single ? ''
    : concurred.length === input.scope.length
      ? `方案所涉${concurred.map(formatStreetOfficeName).join('、')}共${concurred.length}个街道办事处均已研究同意。`
      : `方案所涉${input.scope.length}个街道办事处中,${concurred.length > 0 ? `${concurred.map(formatStreetOfficeName).join('、')}已研究同意` : '尚无街道办事处表示同意'}。`;

  switch (kind) {
    case 'request':
      return doc({
        title: requestTitle,
        recipient: government,
        sections: [{ heading: '', blocks: paragraphs([
          `为推行“一站多居”体制,理顺社区管理体制,整合社区资源,根据社区工作站调整和撤销的有关规定,结合${single ? '本街道' : '本区'}实际,${single ? '我办' : '我局会同各街道办事处'}拟定了${planRef},拟${change}。${concurrence}`,
          `整合前后社区工作站工作人员总量、待遇和工作经费保持不变,社区居委会保持不变,社区党组织的调整与工作站整合同步进行。`,
          '妥否,请批示。',
        ].join('\n')) }],
        attachmentNotes: [input.planTitle],
        issuer: applicant,
        date: formatChinaDate(submit.at),
      });
    case 'opinion-organisation':
    case 'opinion-civil-affairs':
    case 'opinion-establishment': {
      const role = kind.slice('opinion-'.length) as ReviewerRoleName;
      const o = [...input.opinions].reverse().find((x) => x.role === role && x.round === round);
      if (!o) throw new ApprovalDocumentNotReady(`no opinion of ${role} in review round ${round} yet`);
      const { body, self } = REVIEWER_BODY[role];
      return doc({
        title: `关于对${planRef}的意见`,
        recipient: government,
        sections: [{ heading: '', blocks: [
          { kind: 'paragraph', text: `${applicant}《${requestTitle}》及所附${planRef}收悉。经研究,${self}${o.agree ? '同意该方案' : '不同意该方案'}${o.text.trim() ? ',具体意见如下:' : '。'}` },
          ...paragraphs(o.text),
        ] }],
        issuer: bodyOf(d, body),
        date: formatChinaDate(o.at),
      });
    }
    case 'reply': {
      const decision = lastStep(input.steps, ['approve', 'reject']);
      if (!decision) throw new ApprovalDocumentNotReady('the district government has not decided on the plan yet');
      const approved = decision.action === 'approve';
      const opinions = input.opinions.filter((x) => x.round === round);
      const against = opinions.filter((x) => !x.agree).map((x) => REVIEWER_BODY[x.role].body);
      const blocks: DocumentSection['blocks'] = [
        { kind: 'paragraph', text: `${single ? '你办' : '你局'}《${requestTitle}》收悉。经研究,并征求区委组织部、区民政局、区编办意见,现批复如下:` },
      ];
      if (approved) {
        blocks.push(
          { kind: 'paragraph', text: `一、同意${planRef},${change}。` },
          { kind: 'paragraph', text: '二、请按照方案要求认真组织实施,做好工作人员安置和社区党组织调整工作,明晰各社区工作站的责任边界,确保整合期间工作不断、队伍不散。' },
          { kind: 'paragraph', text: `三、整合完成后,由${bodyOf(d, '区民政局')}报市民政局备案;社区党组织设置调整的,报区委组织部备案。` },
          ...paragraphs(decision.opinion ?? ''),
        );
      } else {
        blocks.push({ kind: 'paragraph', text: `一、不同意${planRef}。` });
        blocks.push({ kind: 'paragraph', text: `二、${against.length > 0 ? `${against.join('、')}对方案提出了不同意见。` : ''}${decision.opinion?.trim() ? '不予批准的理由是:' : '请根据有关意见修改完善后重新报批。'}` });
        blocks.push(...paragraphs(decision.opinion ?? ''));
        if (decision.opinion?.trim()) blocks.push({ kind: 'paragraph', text: '请根据上述意见修改完善后重新报批。' });
      }
      return doc({
        title: `关于${scopeName}社区工作站整合方案的批复`,
        recipient: applicant,
        sections: [{ heading: '', blocks }],
        issuer: government,
        date: formatChinaDate(decision.at),
      });
    }
    case 'filing':
    case 'party-filing': {
      const approve = lastStep(input.steps, ['approve']);
      const decision = lastStep(input.steps, ['approve', 'reject']);
      if (!approve || decision?.action !== 'approve') throw new ApprovalDocumentNotReady('the plan has not been approved: there is nothing to file');
      const filed = lastStep(input.steps, ['file']);
      const date = formatChinaDate((filed ?? approve).at);
      if (kind === 'filing') {
        return doc({
          title: `关于${scopeName}社区工作站整合情况的备案报告`,
          recipient: '市民政局',
          sections: [{ heading: '', blocks: paragraphs([
            `根据社区工作站调整和撤销须报市民政局备案的规定,现将${scopeName}社区工作站整合情况报告如下:`,
            `经${government}批准,${change}。整合前后社区工作站工作人员总量、待遇和工作经费保持不变,社区居委会保持不变。`,
            '特此报告。',
          ].join('\n')) }],
          attachmentNotes: [input.planTitle],
          issuer: bodyOf(d, '区民政局'),
          date,
        });
      }
      if (input.partyChanges.length === 0) throw new ApprovalDocumentNotReady('no station changes its party organisation: there is no report to the organisation department');
      return doc({
        title: `关于${scopeName}社区党组织设置调整的报告`,
        recipient: bodyOf(d, '区委组织部'),
        sections: [{ heading: '', blocks: [
          { kind: 'paragraph', text: `经${government}批准,${change}。社区党组织的调整设置与社区工作站整合同步进行,合并后符合条件的党组织改设总支或党委,现将调整情况报告如下:` },
          ...input.partyChanges.map((c, i) => ({ kind: 'paragraph' as const, text: `${i + 1}.${c}` })),
          { kind: 'paragraph', text: '特此报告。' },
        ] }],
        issuer: single ? `中共${formatStreetOfficeName(input.scope[0]!).replace(/办事处$/, '')}工作委员会` : bodyOf(d, '区民政局'),
        date,
      });
    }
  }
}

/** `opinion-civil-affairs` from a file name `opinion-civil-affairs.docx`; undefined when it names none. */
export function parseApprovalDocumentName(file: string): ApprovalDocumentKind | undefined {
  const m = /^([a-z-]+)\.docx$/.exec(file);
  return m && (APPROVAL_DOCUMENT_KINDS as readonly string[]).includes(m[1]!) ? (m[1] as ApprovalDocumentKind) : undefined;
}
