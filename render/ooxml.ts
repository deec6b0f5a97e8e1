/**
 * The package (Open Packaging Conventions, ECMA-376 part 2) that plan.docx and plan.xlsx share:
 * [Content_Types].xml, the package's relationships, the document properties (docProps/core.xml:
 * title, creator, times; docProps/app.xml) and the parts of the document itself, zipped by
 * render/zip-write.ts. The parts are XML written as strings (render/docx.ts, render/xlsx.ts).
 */
import { escapeXml } from './xml.js';
import { makeZip } from './zip-write.js';

export const XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Relationship types (ECMA-376 part 1, transitional). */
export const REL = {
  officeDocument: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument',
  coreProperties: 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties',
  extendedProperties: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties',
  styles: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles',
  settings: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings',
  header: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/header',
  footer: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer',
  worksheet: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet',
  sharedStrings: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings',
} as const;

export interface Relationship {
  id: string;
  type: string;
  /** Relative to the folder of the part the relationships belong to. */
  target: string;
}

/** A relationships part (`_rels/….rels`). */
export function makeRelationshipsXml(relationships: readonly Relationship[]): string {
  const items = relationships.map((r) => `<Relationship Id="${r.id}" Type="${r.type}" Target="${escapeXml(r.target)}"/>`);
  return `${XML_HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items.join('')}</Relationships>`;
}

export interface OoxmlPart {
  /** Path in the package, e.g. `word/document.xml`. */
  name: string;
  /** Its content type; relationship parts (`.rels`) have theirs by extension. */
  contentType?: string;
  xml: string;
}

export interface DocumentProperties {
  title?: string;
  creator: string;
  /** Creation and modification time. [new Date()] */
  date?: Date;
}

function makeCorePropertiesXml(p: DocumentProperties, date: Date): string {
  const time = `${date.toISOString().slice(0, 19)}Z`;
  return `${XML_HEADER}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${
    p.title === undefined ? '' : `<dc:title>${escapeXml(p.title, '')}</dc:title>`}<dc:creator>${escapeXml(p.creator, '')}</dc:creator><cp:lastModifiedBy>${escapeXml(p.creator, '')}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">${time}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${time}</dcterms:modified></cp:coreProperties>`;
}

const APP_XML = `${XML_HEADER}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>yizhan</Application></Properties>`;

/**
 * The package's bytes: its content types, its relationships (the main part, the properties), the
 * properties and the parts, in this order.
 * @param main - the name of the document's main part (`word/document.xml`, `xl/workbook.xml`)
 */
export function makeOoxmlPackage(main: string, parts: readonly OoxmlPart[], properties: DocumentProperties): Buffer {
  const date = properties.date ?? new Date();
  const all: OoxmlPart[] = [
    { name: 'docProps/core.xml', contentType: 'application/vnd.openxmlformats-package.core-properties+xml', xml: makeCorePropertiesXml(properties, date) },
    { name: 'docProps/app.xml', contentType: 'application/vnd.openxmlformats-officedocument.extended-properties+xml', xml: APP_XML },
    ...parts,
  ];
  const overrides = all.filter((p) => p.contentType !== undefined).map((p) => `<Override PartName="/${escapeXml(p.name)}" ContentType="${p.contentType}"/>`);
  const contentTypes = `${XML_HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides.join('')}</Types>`;
  const rels = makeRelationshipsXml([
    { id: 'rId1', type: REL.officeDocument, target: main },
    { id: 'rId2', type: REL.coreProperties, target: 'docProps/core.xml' },
    { id: 'rId3', type: REL.extendedProperties, target: 'docProps/app.xml' },
  ]);
  return makeZip([
    { name: '[Content_Types].xml', data: contentTypes },
    { name: '_rels/.rels', data: rels },
    ...all.map((p) => ({ name: p.name, data: p.xml })),
  ], { date });
}
