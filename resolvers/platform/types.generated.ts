import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { VersionStatus as VersionStatusModel, ListedVersion as ListedVersionModel } from '../../src/catalogue/repository/rows.ts';
import type { CatalogueKind as CatalogueKindModel, ShareType as ShareTypeModel } from '../../src/model/catalogue.ts';
import type { RevisionTrigger as RevisionTriggerModel, RevisionState as RevisionStateModel } from '../../src/workflow/deadlines.ts';
import type { ReviewDecision as ReviewDecisionModel, ListedCatalogue as ListedCatalogueModel, Submission as SubmissionModel } from '../../src/workflow/catalogues.ts';
import type { RequestStatus as RequestStatusModel, SharingSide as SharingSideModel, SharingDecision as SharingDecisionModel, SharingRequest as SharingRequestModel } from '../../src/workflow/sharing.ts';
import type { AuditKind as AuditKindModel, AuditOutcome as AuditOutcomeModel, AuditEntry as AuditEntryModel } from '../../src/audit/entry.ts';
import type { SubmissionWarning as SubmissionWarningModel, BreakingChange as BreakingChangeModel } from '../../src/workflow/warnings/warning.ts';
import type { ResourceView as ResourceViewModel, ItemView as ItemViewModel, ShareView as ShareViewModel } from '../../src/workflow/resource-info.ts';
import type { Grant as GrantModel } from '../../src/access/grant-model.ts';
import type { AuditConnection as AuditConnectionModel } from '../../src/audit/query.ts';
import type { UsageView as UsageViewModel } from '../../src/workflow/usage.ts';
import type { ObjectionStatus as ObjectionStatusModel, ObjectionDecision as ObjectionDecisionModel, Objection as ObjectionModel } from '../../src/workflow/objections.ts';
import type { DemandStatus as DemandStatusModel, DemandDecision as DemandDecisionModel, Demand as DemandModel } from '../../src/workflow/demands/rows.ts';
import type { ConsistencyPair as ConsistencyPairModel } from '../../src/workflow/consistency/pairs.ts';
import type { RequestContext } from '../request.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  Date: { input: string; output: string; }
  DateTime: { input: string; output: string; }
};

/**
 * The adoption of an audit log begun before keyed hashes: entries 1 to `after` are checked by their plain SHA-256,
 * the later ones under the platform key.
 */
export type AuditAdoption = {
  __typename?: 'AuditAdoption';
  /**
   * The last plain-hashed entry. Entries after it and before the adoption's (a release of early December chained
   * them keyed after the plain ones) were keyed before the adoption.
   */
  after: Scalars['Int']['output'];
  /** The sequence number of the entry that records the adoption. */
  seq: Scalars['Int']['output'];
  /** When the log was adopted (the adoption entry's time). */
  time: Scalars['DateTime']['output'];
};

/** The first entry that breaks the chain. */
export type AuditBrokenEntry = {
  __typename?: 'AuditBrokenEntry';
  /** What is wrong with it. */
  reason: Scalars['String']['output'];
  /** Its sequence number. */
  seq: Scalars['Int']['output'];
};

/** A signed checkpoint of the audit log's head: the newest entry's sequence number when it was signed. */
export type AuditCheckpoint = {
  __typename?: 'AuditCheckpoint';
  /** The sequence number of the log's newest entry when it was signed. */
  seq: Scalars['Int']['output'];
  /** When it was signed. */
  time: Scalars['DateTime']['output'];
};

/** A page of audit entries. */
export type AuditConnection = {
  __typename?: 'AuditConnection';
  /** Newest first. */
  nodes: Array<AuditEntry>;
  /** Pass endCursor as `after` for the next page. */
  pageInfo: PageInfo;
  /** Entries you may read that match the filter, over every page. */
  totalCount: Scalars['Int']['output'];
};

/** An item denied, with the access code. */
export type AuditDenial = {
  __typename?: 'AuditDenial';
  /** The error code, e.g. GRANT_REQUIRED. */
  code: Scalars['String']['output'];
  /** The item denied. */
  item: Scalars['String']['output'];
};

/** One audit entry. Entries are hash-chained: each holds the previous entry's hash. */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  /** The workflow or operator action, e.g. submitCatalogue. */
  action?: Maybe<Scalars['String']['output']>;
  /** The department a workflow action naming no resource of its is addressed to: a demand's asked department (requestData, and answerDemand). It reads the entry as a provider reads the entries about its resources; shown to it and to supervisors, null to others and on other entries. */
  addressedTo?: Maybe<Scalars['String']['output']>;
  /** The requesting department's code; null when there is none (an operator's command). */
  department?: Maybe<Scalars['String']['output']>;
  /** What happened, in words: the action done, or why it was refused or failed. */
  detail?: Maybe<Scalars['String']['output']>;
  /** The GraphQL document's hash: a trusted (manifest) document's SHA-256, the id its client sends; any other document's as hmac-sha256:HEX, keyed with the platform secret, so that equal documents have equal hashes and no value written in one can be guessed from it (older entries: a plain SHA-256). Null on another department's request. */
  documentHash?: Maybe<Scalars['String']['output']>;
  /** HMAC-SHA256 of the entry under the platform's audit key. */
  hash: Scalars['String']['output'];
  /** What the entry records. */
  kind: AuditKind;
  /** The GraphQL operation name the client gave, if any. */
  operationName?: Maybe<Scalars['String']['output']>;
  /** How the request or action ended. */
  outcome: AuditOutcome;
  /** The previous entry's hash (64 zeros for the first entry). */
  prevHash: Scalars['String']['output'];
  /** The purpose declared in x-purpose, if any. */
  purpose?: Maybe<Scalars['String']['output']>;
  /** The request's id: the caller's x-request-id when it is a plain token, else one made. */
  requestId: Scalars['String']['output'];
  /** Per resource: items read, denied and masked, and records. */
  resources: Array<AuditResource>;
  /** Sequence number: the first entry is 1, each next one the previous plus 1. */
  seq: Scalars['Int']['output'];
  /** When it was written. */
  time: Scalars['DateTime']['output'];
  /** The user (JWT sub), or the operator. */
  user?: Maybe<Scalars['String']['output']>;
  /** The region of the connected platform that forwarded the request; null for a direct one. */
  via?: Maybe<Scalars['String']['output']>;
};

/** Narrows the entries you may read; every part given must match. */
export type AuditFilter = {
  /** The action of a workflow or operator entry, as the entry's action names it (such as decideSharingRequest, adoptPlatform); matched exactly. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** The requesting department: this platform's (no connected platform forwarded its requests); with via, the department of that code of the connected platform that forwarded them. */
  department?: InputMaybe<Scalars['String']['input']>;
  /** From this instant, inclusive. */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  /** Entries of this kind. */
  kind?: InputMaybe<AuditKind>;
  /** Entries with this outcome; on another department's entry about your resources, the outcome over your resources alone. */
  outcome?: InputMaybe<AuditOutcome>;
  /** A providing department the entry is about, or the department it is addressed to (addressedTo). */
  provider?: InputMaybe<Scalars['String']['input']>;
  /** The request's id, as its answer's x-request-id header named it (on a connected platform, the forwarding platform's). */
  requestId?: InputMaybe<Scalars['String']['input']>;
  /** A resource the entry is about. */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** Before this instant, exclusive; before from: BAD_USER_INPUT. */
  to?: InputMaybe<Scalars['DateTime']['input']>;
  /** Entries of requests that the connected platform of this region forwarded (the entries' via): what its departments read here; with department, what that one of them read. */
  via?: InputMaybe<Scalars['String']['input']>;
};

/** A change of the audit key the log records: the entries up to `after` are keyed with a previous secret. */
export type AuditKeyChange = {
  __typename?: 'AuditKeyChange';
  /** The last entry keyed with the previous secret. */
  after: Scalars['Int']['output'];
  /**
   * True when those entries and the change's proof were checked with the previous secret (the gateway's
   * GOVGRAPH_PREVIOUS_JWT_SECRET); false when only their contents were, against the digest the change recorded.
   */
  previousKeyChecked: Scalars['Boolean']['output'];
  /** The sequence number of the entry that records the change. */
  seq: Scalars['Int']['output'];
};

/** What an audit entry records. */
export type AuditKind =
  /** An operator's command or the platform's own action (an import, a grant made by command, an objection corrected by an import). */
  | 'operator'
  /** A request for resource data: read, denied or refused. */
  | 'read'
  /** A workflow action: a mutation of this schema, or consistencyReport. */
  | 'workflow';

/** How the request or action ended. */
export type AuditOutcome =
  /** A read that was denied nothing. */
  | 'allowed'
  /** A read denied everything it asked of the resources. */
  | 'denied'
  /** A read or an action that failed after it was allowed (a store or a connected platform failing). */
  | 'error'
  /** A workflow or operator action carried out (an ERROR entry follows when it then fails). */
  | 'ok'
  /** A read denied some items that still read something. */
  | 'partial'
  /** Refused before it ran: a workflow refusal (its code in detail), or a read refused by a limit. */
  | 'refused';

/** What an entry records of one resource. */
export type AuditResource = {
  __typename?: 'AuditResource';
  /** The request asked how many records match (totalCount). */
  counted: Scalars['Boolean']['output'];
  /** Items denied, with their codes. */
  denied: Array<AuditDenial>;
  /** Items the request filtered by (a lookup: the key; a link: the linked item). Names only, never values. */
  filtered: Array<Scalars['String']['output']>;
  /** Items read (workflow entries: the items concerned). */
  items: Array<Scalars['String']['output']>;
  /** Items returned masked. */
  masked: Array<Scalars['String']['output']>;
  /** Items the request ordered by. */
  ordered: Array<Scalars['String']['output']>;
  /** The providing department's code. */
  provider: Scalars['String']['output'];
  /** Records returned. */
  records: Scalars['Int']['output'];
  /** The resource's code. */
  resource: Scalars['String']['output'];
};

/** The result of checking the audit log's hash chain. */
export type AuditVerification = {
  __typename?: 'AuditVerification';
  /**
   * When ok and the log began before keyed hashes (plain SHA-256, releases before 2 December 2026): its adoption
   * (govgraph audit adopt), as govgraph audit verify says it; null otherwise.
   */
  adopted?: Maybe<AuditAdoption>;
  /** The newest signed checkpoint of the log's head the chain was checked against (store or checkpoint file); null when there is none. */
  checkpoint?: Maybe<AuditCheckpoint>;
  /** Entries checked (up to and including the first broken one). */
  entries: Scalars['Int']['output'];
  /** The first broken entry; null when ok. */
  firstBroken?: Maybe<AuditBrokenEntry>;
  /** The deliberate changes of the platform secret the log records (govgraph audit rekey) that the check passed, oldest first. */
  keyChanges: Array<AuditKeyChange>;
  /** True when every entry and checkpoint checks. */
  ok: Scalars['Boolean']['output'];
  /**
   * True when the gateway names no checkpoint file outside the store (GOVGRAPH_AUDIT_CHECKPOINTS): the chain
   * was checked against the store's checkpoints alone, which whoever can write the store deletes with the
   * newest entries (or the whole log), so ok does not tell that nothing was deleted.
   */
  storeOnly: Scalars['Boolean']['output'];
};

/** How a version changes what the version in effect offers. */
export type BreakingChange =
  /** A resource or an item taken away. */
  | 'removed'
  /** An item carrying the same data element under another name, or the resource under other GraphQL names. */
  | 'renamed'
  /** Another item type, or enum values taken away. */
  | 'retyped'
  /** A stricter share type, fewer methods or a narrower scope. */
  | 'tightened';

/** A catalogue (one id) and its versions. */
export type Catalogue = {
  __typename?: 'Catalogue';
  /** The compiling department's code. */
  compiler: Scalars['String']['output'];
  /** The catalogue's id, the same for all its versions. */
  id: Scalars['ID']['output'];
  /** Kind of the newest version you can see. */
  kind: CatalogueKind;
  /** True when the revision it owes is overdue (see revision). */
  overdue: Scalars['Boolean']['output'];
  /** The version in effect, if any. */
  published?: Maybe<CatalogueVersion>;
  /** The revision it owes, with its due date and overdue flag. */
  revision?: Maybe<Revision>;
  /** Title of the newest version you can see. */
  title: Scalars['String']['output'];
  /** The versions you can see, oldest first: every department sees published and past versions; drafts are seen by the compiling and the competent department. */
  versions: Array<CatalogueVersion>;
};

/** What a catalogue covers (SPEC §2). */
export type CatalogueKind =
  /** A basic catalogue (基础目录). */
  | 'basic'
  /** A departmental catalogue (部门目录). */
  | 'departmental'
  /** A subject catalogue (主题目录). */
  | 'subject';

/** Where a catalogue version stands in its lifecycle (SPEC §9). */
export type CatalogueStatus =
  /** Approved by an auditor; its compiler may publish it. */
  | 'approved'
  /** In effect: its resources are in the schema. At most one version of a catalogue is. */
  | 'published'
  /** Rejected by an auditor (see reviewComment). */
  | 'rejected'
  /** Submitted by its compiler, waiting for the competent department's review. */
  | 'submitted'
  /** Was in effect until a newer version was published. */
  | 'superseded'
  /** Was in effect until its compiler withdrew it. */
  | 'withdrawn';

/** One version of a catalogue, as submitted, and where it stands. */
export type CatalogueVersion = {
  __typename?: 'CatalogueVersion';
  /** The compiling department's code. */
  compiler: Scalars['String']['output'];
  /** The version as YAML-compatible JSON text, as submitted (normalised). */
  document: Scalars['String']['output'];
  /** The catalogue's id. */
  id: Scalars['ID']['output'];
  /** The version's kind. */
  kind: CatalogueKind;
  /** When it was published; null while never published. */
  publishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The resources of this version. */
  resources: Array<ResourceInfo>;
  /** The review's comment, if any (a rejection always has one). */
  reviewComment?: Maybe<Scalars['String']['output']>;
  /** When it was reviewed; null until reviewed. */
  reviewedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The auditor who reviewed it; null until reviewed. */
  reviewedBy?: Maybe<Scalars['String']['output']>;
  /** The revision the version carries, with its due date as of this version; null when it carries none. */
  revision?: Maybe<Revision>;
  /** Where the version stands. */
  status: CatalogueStatus;
  /** When it was submitted. */
  submittedAt: Scalars['DateTime']['output'];
  /** The user who submitted it. */
  submittedBy: Scalars['String']['output'];
  /** The version's title. */
  title: Scalars['String']['output'];
  /** The version's number within its catalogue. */
  version: Scalars['Int']['output'];
  /** Warnings against the catalogues in effect and the active grants, as of now. */
  warnings: Array<SubmissionWarning>;
};

/** Two resources of different providers compared on one data element, record by record, joined on a shared key element (Art. 13). */
export type ConsistencyPair = {
  __typename?: 'ConsistencyPair';
  /** Join keys, distinct, that match a key of the other resource only when letter case is ignored (an ID number ending in x against one ending in X): such records are not joined, so they are in neither compared nor differing; set the key's spelling right by a data import. Of the records your department sees of each resource. */
  caseOnlyKeys: Scalars['Int']['output'];
  /** Records joined, of those your department sees of each resource (its row scope: region or granted rows). */
  compared: Scalars['Int']['output'];
  /** Records whose values of the element differ (null against a value differs). Null when withheld: your department reads one resource's item in clear and the other's masked or not at all, and the count would tell the hidden values. */
  differing?: Maybe<Scalars['Int']['output']>;
  /** The data element compared. */
  element: Scalars['String']['output'];
  /** The data element the records are joined on, and the items carrying it. */
  keyElement: Scalars['String']['output'];
  /** The resource codes compared (left < right). */
  left: Scalars['String']['output'];
  /** The items carrying the element in each. */
  leftItem: Scalars['String']['output'];
  /** The item carrying the key element in left. */
  leftKey: Scalars['String']['output'];
  /** The right resource's code. */
  right: Scalars['String']['output'];
  /** The item carrying the element in right. */
  rightItem: Scalars['String']['output'];
  /** The item carrying the key element in right. */
  rightKey: Scalars['String']['output'];
  /** Up to 20 join keys of differing records, always masked (an idcard mask at least: first 6 and last 4 kept), as your department reads both key items; none unless it may read both resources' key and compared items with your purpose and grants. Raise an objection to settle one. */
  sampleKeys: Array<Scalars['String']['output']>;
  /** Why differing is null for your department, naming the item it does not read in clear; null when differing is given. */
  withheld?: Maybe<Scalars['String']['output']>;
};

/** A department's need for data that no catalogue offers (supply–demand matching). */
export type Demand = {
  __typename?: 'Demand';
  /** When it was answered (a UTC instant); null while OPEN. */
  answeredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The approver who answered it; null while OPEN. */
  answeredBy?: Maybe<Scalars['String']['output']>;
  /** CANNOT_SHARE: the basis; WILL_CATALOGUE: an optional note. */
  basis?: Maybe<Scalars['String']['output']>;
  /** The data wanted and what for. */
  description: Scalars['String']['output'];
  /** The provider answers within the platform's demandDays working days of the demand. */
  dueDate: Scalars['Date']['output'];
  /** When a published catalogue version fulfilled it. */
  fulfilledAt?: Maybe<Scalars['DateTime']['output']>;
  /** The catalogue version that fulfilled it, as id@version. */
  fulfilledBy?: Maybe<Scalars['String']['output']>;
  /** The demand's id. */
  id: Scalars['ID']['output'];
  /** The data items wanted, as the requester named them. */
  items: Array<Scalars['String']['output']>;
  /** Answered on a day of the platform's calendar (China time, UTC+8) after dueDate; false while OPEN (see overdue). A FULFILLED demand keeps the lateness of its answer (WILL_CATALOGUE), not of the publication. */
  late: Scalars['Boolean']['output'];
  /** Still OPEN after its due date. */
  overdue: Scalars['Boolean']['output'];
  /** The department asked to provide the data. */
  provider: Scalars['String']['output'];
  /** The purpose codes the data would serve. */
  purposes: Array<Scalars['String']['output']>;
  /** When it was filed. */
  requestedAt: Scalars['DateTime']['output'];
  /** The user who filed it. */
  requestedBy: Scalars['String']['output'];
  /** The requesting department. */
  requester: Scalars['String']['output'];
  /** WILL_CATALOGUE: the resource code promised; FULFILLED: that code as published, whatever case the promise wrote it in. */
  resource?: Maybe<Scalars['String']['output']>;
  /** Where the demand stands. */
  status: DemandStatus;
  /** The demand's title. */
  title: Scalars['String']['output'];
};

/** An answer to an OPEN demand (answerDemand). */
export type DemandAnswerInput = {
  /** Required for CANNOT_SHARE: the law or policy that stops the sharing. At most 2000 characters. */
  basis?: InputMaybe<Scalars['String']['input']>;
  /** Will catalogue, or cannot share. */
  decision: DemandDecision;
  /** The demand's id. At most 128 characters. */
  id: Scalars['ID']['input'];
  /** Required for WILL_CATALOGUE: the code of the resource to be published. At most 128 characters. */
  resource?: InputMaybe<Scalars['String']['input']>;
};

/** The asked department's answer to a demand. */
export type DemandDecision =
  /** The data cannot be shared, on the basis given. */
  | 'cannot-share'
  /** The data will be catalogued as the resource named; the demand becomes FULFILLED when it is published. */
  | 'will-catalogue';

/** A demand for data no catalogue offers (requestData). */
export type DemandInput = {
  /** The data wanted and what for. At most 2000 characters. */
  description: Scalars['String']['input'];
  /** The data items wanted, in your words. At most 200 entries of at most 128 characters each. */
  items: Array<Scalars['String']['input']>;
  /** The department asked to provide the data. At most 128 characters. */
  provider: Scalars['String']['input'];
  /** Purpose codes the data would serve. At most 200 entries of at most 128 characters each. */
  purposes: Array<Scalars['String']['input']>;
  /** The demand's title. At most 200 characters. */
  title: Scalars['String']['input'];
};

/** Where a demand stands. */
export type DemandStatus =
  /** The provider cannot share the data (see basis). */
  | 'cannot-share'
  /** A catalogue version publishing the promised resource was published. */
  | 'fulfilled'
  /** Filed; the asked department's approver has not answered yet. */
  | 'open'
  /** The provider will catalogue the data as the resource it names. */
  | 'will-catalogue';

/** A provider's permission for a department to read items of a conditional resource for purposes. */
export type Grant = {
  __typename?: 'Grant';
  /** Not revoked, in force and not past its end date, now; false also when every item it names is in setAside (it covers nothing), as for a grant of a resource no catalogue in effect publishes. */
  active: Scalars['Boolean']['output'];
  /** When it was made. */
  createdAt: Scalars['DateTime']['output'];
  /** The user who made it (the approver, or the operator for a grant made by command). */
  createdBy: Scalars['String']['output'];
  /** In force from this instant. */
  from: Scalars['DateTime']['output'];
  /** The grant's id. */
  id: Scalars['ID']['output'];
  /** The items it covers: those it names, less those in setAside. */
  items: Array<Scalars['String']['output']>;
  /** The providing department's code; null when the resource is no longer known. */
  provider?: Maybe<Scalars['String']['output']>;
  /** The purpose codes it covers. */
  purposes: Array<Scalars['String']['output']>;
  /** The request it decided, when made through the workflow. */
  request?: Maybe<SharingRequest>;
  /** The department code it lets read. */
  requester: Scalars['String']['output'];
  /** The resource's code. */
  resource: Scalars['String']['output'];
  /** When it was revoked; null while not revoked. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The user who revoked it. */
  revokedBy?: Maybe<Scalars['String']['output']>;
  /** Division codes narrowing the resource's row scope; null = the requester's whole region. */
  rows?: Maybe<Array<Scalars['String']['output']>>;
  /** Items it names that it no longer covers: it was given before a version of the catalogue dropped them and published them again, and does not cover what is published under those names now (request them again); or its resource no longer publishes them (a version dropped them and none published them again); or every item it names when no catalogue in effect publishes its resource (it gives nothing now). Empty for most grants. */
  setAside: Array<Scalars['String']['output']>;
  /** Why the items of setAside are not covered, in words; null when setAside is empty. */
  setAsideNote?: Maybe<Scalars['String']['output']>;
  /** Items read unmasked, among its items (those in setAside left out). */
  unmasked: Array<Scalars['String']['output']>;
  /** Last day (inclusive, platform calendar); null = no end. */
  until?: Maybe<Scalars['Date']['output']>;
};

/** What a request by you with your declared purpose would get of one item, by the access table (SPEC §6). */
export type ItemAccess = {
  __typename?: 'ItemAccess';
  /** Whether you would read the item. */
  allowed: Scalars['Boolean']['output'];
  /** The error code when denied (e.g. GRANT_REQUIRED). */
  code?: Maybe<Scalars['String']['output']>;
  /** The mask applied when allowed but masked. */
  mask?: Maybe<Scalars['String']['output']>;
  /** Why it is denied, in a sentence. */
  message?: Maybe<Scalars['String']['output']>;
};

/** One item (信息项) of a resource. */
export type ItemInfo = {
  __typename?: 'ItemInfo';
  /** The data element code it carries, if any. */
  element?: Maybe<Scalars['String']['output']>;
  /** The mask a sensitive item is read with by every department but its provider (full when the catalogue names none), unless a grant unmasks it (only a conditional resource's items are granted); null when not sensitive. */
  mask?: Maybe<Scalars['String']['output']>;
  /** The item's name: its field in the resource's GraphQL type. */
  name: Scalars['String']['output'];
  /** personal or secret; null when the item is not sensitive. */
  sensitivity?: Maybe<Scalars['String']['output']>;
  /** The item's effective share settings (the resource's, tightened by the item's). */
  share: ShareInfo;
  /** The item's title. */
  title?: Maybe<Scalars['String']['output']>;
  /** The item's type in the catalogue: string, text, int, float, decimal, boolean, date, datetime or enum. */
  type: Scalars['String']['output'];
  /** What you would get of it with your declared purpose and grants. */
  yourAccess: ItemAccess;
};

/** Values a department compared with items masked for it (filters' eq and in, lookups by a masked key), per resource and platform day (limits.maskedProbes). */
export type MaskedProbeUsage = {
  __typename?: 'MaskedProbeUsage';
  /** The platform day. */
  day: Scalars['Date']['output'];
  /** The probing department's code. */
  department: Scalars['String']['output'];
  /** Requests refused because the quota was used up. */
  refused: Scalars['Int']['output'];
  /** The resource's code. */
  resource: Scalars['String']['output'];
  /** Values counted toward the quota. */
  values: Scalars['Int']['output'];
  /**
   * The region of the connected platform that forwarded the department's requests: its quota is kept apart
   * from this platform's department of the same code; null for this platform's own department.
   */
  via?: Maybe<Scalars['String']['output']>;
};

/** Who the request is made as. */
export type Me = {
  __typename?: 'Me';
  /** The requesting department's code. */
  department: Scalars['String']['output'];
  /** The requesting department's name. */
  departmentName: Scalars['String']['output'];
  /** The purpose the request declared in x-purpose, if any. */
  purpose?: Maybe<Scalars['String']['output']>;
  /** Your token's roles, e.g. compiler, auditor, applicant, approver, supervisor (SPEC §7). */
  roles: Array<Scalars['String']['output']>;
  /** The user (JWT sub). */
  user: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Answers an OPEN demand to your department (approver). */
  answerDemand: Demand;
  /** Confirms or rejects an OPEN objection to a resource your department provides (approver). */
  answerObjection: Objection;
  /** Decides a pending request for a resource your department provides (approver). */
  decideSharingRequest: SharingRequest;
  /** Publishes an approved version (compiler): the previous one is superseded and the schema swaps without a restart. */
  publishCatalogue: CatalogueVersion;
  /** Objects to one item of one record you may read (applicant). Refused with the access code when you may not read the item. */
  raiseObjection: Objection;
  /** Asks a department for data no catalogue offers (applicant). */
  requestData: Demand;
  /** Requests sharing of a conditional resource (applicant). Refused at once with the reason when it cannot be granted. */
  requestSharing: SharingRequest;
  /** Approves or rejects a submitted version (auditor of the competent department). */
  reviewCatalogue: CatalogueVersion;
  /** Ends a grant of a resource your department provides at once (approver). */
  revokeGrant: Grant;
  /** Submits a catalogue document (YAML or JSON text) as a new version (compiler of its compiler department). Refused whole with CATALOGUE_INVALID and every problem. */
  submitCatalogue: SubmitCatalogueResult;
  /** Withdraws the published version of a catalogue (compiler): its resources leave the schema. */
  withdrawCatalogue: CatalogueVersion;
};


export type MutationAnswerDemandArgs = {
  input: DemandAnswerInput;
};


export type MutationAnswerObjectionArgs = {
  input: ObjectionAnswerInput;
};


export type MutationDecideSharingRequestArgs = {
  input: SharingDecisionInput;
};


export type MutationPublishCatalogueArgs = {
  id: Scalars['ID']['input'];
  version: Scalars['Int']['input'];
};


export type MutationRaiseObjectionArgs = {
  input: ObjectionInput;
};


export type MutationRequestDataArgs = {
  input: DemandInput;
};


export type MutationRequestSharingArgs = {
  input: SharingRequestInput;
};


export type MutationReviewCatalogueArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  decision: ReviewDecision;
  id: Scalars['ID']['input'];
  version: Scalars['Int']['input'];
};


export type MutationRevokeGrantArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationSubmitCatalogueArgs = {
  document: Scalars['String']['input'];
};


export type MutationWithdrawCatalogueArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};

/** A department's doubt about one item of one record (Art. 11: verification and correction). */
export type Objection = {
  __typename?: 'Objection';
  /** The answer's comment (required to reject). */
  answer?: Maybe<Scalars['String']['output']>;
  /** When it was answered (a UTC instant); null while OPEN. */
  answeredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The approver who answered it; null while OPEN. */
  answeredBy?: Maybe<Scalars['String']['output']>;
  /** CORRECTED: when the import that changed the item ran. */
  correctedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The provider answers within the platform's objectionDays working days of the objection. */
  dueDate: Scalars['Date']['output'];
  /** The objection's id. */
  id: Scalars['ID']['output'];
  /** The item believed wrong. */
  item: Scalars['String']['output'];
  /** The record's key value, as text; to a supervisor who neither raised it nor provides the resource, as its department reads the key (masked in full when it may not read it or the item objected to, or the record lies outside its rows). */
  key: Scalars['String']['output'];
  /** Answered on a day of the platform's calendar (China time, UTC+8) after dueDate; false while unanswered (see overdue). */
  late: Scalars['Boolean']['output'];
  /** Still OPEN after its due date. */
  overdue: Scalars['Boolean']['output'];
  /** The value the raising department believes right; to a supervisor, as its department reads the item on that record (null when it may not). */
  proposedValue?: Maybe<Scalars['String']['output']>;
  /** The providing department's code: its approvers answer. */
  provider: Scalars['String']['output'];
  /** When it was raised. */
  raisedAt: Scalars['DateTime']['output'];
  /** The raising department's code. */
  raisedBy: Scalars['String']['output'];
  /** The user who raised it. */
  raisedByUser: Scalars['String']['output'];
  /** Why the value is believed wrong. */
  reason: Scalars['String']['output'];
  /** The resource's code. */
  resource: Scalars['String']['output'];
  /** The resource's name; null when it is no longer published. */
  resourceName?: Maybe<Scalars['String']['output']>;
  /** Where the objection stands. */
  status: ObjectionStatus;
};

/** An answer to an OPEN objection (answerObjection). */
export type ObjectionAnswerInput = {
  /** Confirm or reject. */
  decision: ObjectionDecision;
  /** The objection's id. At most 128 characters. */
  id: Scalars['ID']['input'];
  /** Required to REJECT: why the record is right. At most 2000 characters. */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** The provider's answer to an objection. */
export type ObjectionDecision =
  /** The record is wrong: the objection becomes CONFIRMED until an import corrects it. */
  | 'confirm'
  /** The record is right; a reason is required. */
  | 'reject';

/** An objection to one item of one record (raiseObjection). */
export type ObjectionInput = {
  /** The item believed wrong: one you may read. At most 128 characters. */
  item: Scalars['String']['input'];
  /** The record's key value, as text (an int key as digits). At most 128 characters. */
  key: Scalars['String']['input'];
  /** The value believed right, as text: one the item could hold (a number for a number, one of an enum's values in either spelling). At most 2000 characters. */
  proposedValue?: InputMaybe<Scalars['String']['input']>;
  /** Why the value is believed wrong. At most 2000 characters. */
  reason: Scalars['String']['input'];
  /** The resource's code. At most 128 characters. */
  resource: Scalars['String']['input'];
};

/** Where an objection stands. */
export type ObjectionStatus =
  /** The provider agrees the record is wrong; it becomes CORRECTED when a data import changes the item. */
  | 'confirmed'
  /** A data import changed the record's item after the provider confirmed the objection. */
  | 'corrected'
  /** Raised; the provider's approver has not answered yet. */
  | 'open'
  /** The provider holds the record right (see answer). */
  | 'rejected';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  _empty?: Maybe<Scalars['Boolean']['output']>;
  /** The audit log, newest first: supervisors read every entry; a department its own requests, the entries about resources it provides and those addressed to it (demands it is asked). */
  auditLog: AuditConnection;
  /** One catalogue and the versions you can see of it. */
  catalogue?: Maybe<Catalogue>;
  /** Catalogues and their versions, as your department may see them; `overdue: true` lists those late with a revision. */
  catalogues: Array<Catalogue>;
  /** Per pair of published resources of different providers holding the element (all elements when none is given): records compared, records differing, masked sample keys, over the records your department sees of each (row scope). Supervisors of the competent department. */
  consistencyReport: Array<ConsistencyPair>;
  /** Demands your department filed or must answer (supervisors of the competent department: all). */
  demands: Array<Demand>;
  /** Grants your department holds or gave (supervisors of the competent department: all). */
  grants: Array<Grant>;
  /** Who you are on this platform: your token's department and roles, and the purpose you declared. */
  me: Me;
  /** Objections your department raised or must answer (supervisors of the competent department: all); `overdue: true` lists those unanswered after their due date. */
  objections: Array<Objection>;
  /** A published resource: its share settings and, per item, what you may read with your purpose. */
  resourceInfo?: Maybe<ResourceInfo>;
  /** Sharing requests your department made or must decide (supervisors of the competent department: all). */
  sharingRequests: Array<SharingRequest>;
  /** Use of resources between two platform dates (inclusive), by requesting department and purpose. Supervisors see every resource; others the resources they provide. */
  usage: UsageReport;
  /** Checks the whole hash chain and names the first broken entry (supervisors). */
  verifyAuditChain: AuditVerification;
};


export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryCatalogueArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCataloguesArgs = {
  compiler?: InputMaybe<Scalars['String']['input']>;
  id?: InputMaybe<Scalars['ID']['input']>;
  overdue?: InputMaybe<Scalars['Boolean']['input']>;
  status?: InputMaybe<CatalogueStatus>;
};


export type QueryConsistencyReportArgs = {
  element?: InputMaybe<Scalars['String']['input']>;
};


export type QueryDemandsArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  overdue?: InputMaybe<Scalars['Boolean']['input']>;
  status?: InputMaybe<DemandStatus>;
};


export type QueryGrantsArgs = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  requester?: InputMaybe<Scalars['String']['input']>;
  resource?: InputMaybe<Scalars['String']['input']>;
};


export type QueryObjectionsArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  overdue?: InputMaybe<Scalars['Boolean']['input']>;
  resource?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<ObjectionStatus>;
};


export type QueryResourceInfoArgs = {
  code: Scalars['String']['input'];
};


export type QuerySharingRequestsArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  overdue?: InputMaybe<Scalars['Boolean']['input']>;
  resource?: InputMaybe<Scalars['String']['input']>;
  side?: InputMaybe<SharingSide>;
  status?: InputMaybe<SharingRequestStatus>;
};


export type QueryUsageArgs = {
  from: Scalars['Date']['input'];
  resource?: InputMaybe<Scalars['String']['input']>;
  to: Scalars['Date']['input'];
};

/** A standing objection (OPEN or CONFIRMED) to a record, as every read of the record carries it: only those to items the request may read. */
export type RecordObjection = {
  __typename?: 'RecordObjection';
  /** The provider answers by this date. */
  dueDate: Scalars['Date']['output'];
  /** The objection's id. */
  id: Scalars['ID']['output'];
  /** The item it doubts. */
  item: Scalars['String']['output'];
  /** OPEN or CONFIRMED. */
  status: ObjectionStatus;
};

/** Use of a resource by one requesting department with one purpose. */
export type RequesterUsage = {
  __typename?: 'RequesterUsage';
  /** Requests denied the resource. */
  denied: Scalars['Int']['output'];
  /** The requesting department's code. */
  department?: Maybe<Scalars['String']['output']>;
  /** The purpose declared; null when none was. */
  purpose?: Maybe<Scalars['String']['output']>;
  /** Records returned by those requests. */
  records: Scalars['Int']['output'];
  /** Requests that read the resource: at least one of its items, or only its count or a page. */
  requests: Scalars['Int']['output'];
  /**
   * The region of the connected platform that forwarded the department's requests (the audit entries' via):
   * its department codes are its own, so its department is not this platform's department of the same code,
   * whose figures are another row; null for this platform's own department.
   */
  via?: Maybe<Scalars['String']['output']>;
};

/** A catalogue resource: what it holds, who provides it, how it is shared, and what you may read of it. */
export type ResourceInfo = {
  __typename?: 'ResourceInfo';
  /** The id of the catalogue that publishes it. */
  catalogue: Scalars['String']['output'];
  /** The resource's code. */
  code: Scalars['String']['output'];
  /** True when you hold an active grant to it. */
  granted: Scalars['Boolean']['output'];
  /** GraphQL names: the type, and the list and lookup fields under Query.<provider>. */
  graphqlType: Scalars['String']['output'];
  /** Its items, with their effective share settings and your access. */
  items: Array<ItemInfo>;
  /** The list field under Query.<provider>. */
  listField: Scalars['String']['output'];
  /** The lookup field (by key) under Query.<provider>. */
  lookupField: Scalars['String']['output'];
  /** The resource's name. */
  name: Scalars['String']['output'];
  /** The providing department's code. */
  provider: Scalars['String']['output'];
  /** The providing department's name. */
  providerName?: Maybe<Scalars['String']['output']>;
  /** The resource's share settings (an item may tighten them). */
  share: ShareInfo;
  /** The resource's summary, if any. */
  summary?: Maybe<Scalars['String']['output']>;
  /** How often its data is updated (realtime, daily, weekly, ten-days, monthly, quarterly, yearly, irregular), if stated. */
  updateCycle?: Maybe<Scalars['String']['output']>;
};

/** One item of a published resource. */
export type ResourceItemRef = {
  __typename?: 'ResourceItemRef';
  /** The item's name. */
  item: Scalars['String']['output'];
  /** The providing department's code. */
  provider: Scalars['String']['output'];
  /** The resource's code. */
  resource: Scalars['String']['output'];
  /** The resource's name. */
  resourceName: Scalars['String']['output'];
};

/** Use of one resource in the period. */
export type ResourceUsage = {
  __typename?: 'ResourceUsage';
  /** The same figures per requesting department and purpose. */
  byRequester: Array<RequesterUsage>;
  /** Requests denied the resource. */
  denied: Scalars['Int']['output'];
  /** The providing department's code. */
  provider: Scalars['String']['output'];
  /** Records returned by those requests. */
  records: Scalars['Int']['output'];
  /** Requests that read the resource: at least one of its items, or only its count or a page. */
  requests: Scalars['Int']['output'];
  /** The resource's code. */
  resource: Scalars['String']['output'];
};

/** An auditor's decision on a submitted version. */
export type ReviewDecision =
  /** The version becomes APPROVED: its compiler may publish it. */
  | 'approve'
  /** The version becomes REJECTED; a comment is required. */
  | 'reject';

/** A revision a catalogue owes (Art. 10): due 15 working days after `since`. */
export type Revision = {
  __typename?: 'Revision';
  /**
   * 15 working days after `since`, on the platform's calendar; null when that falls after 9999-12-31
   * (a version stored before validation refused such a `since`), which is then never overdue.
   */
  dueDate?: Maybe<Scalars['Date']['output']>;
  /** The compiler's note on the revision, if any. */
  note?: Maybe<Scalars['String']['output']>;
  /** Due date passed and no version carrying the revision published. */
  overdue: Scalars['Boolean']['output'];
  /** When a version carrying this revision was first published; null while none is. */
  publishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The day the cause arose: the 15 working days count from it. */
  since: Scalars['Date']['output'];
  /** Why the revision is owed. */
  trigger: RevisionTrigger;
};

/** Why a catalogue owes a revision (Art. 10). */
export type RevisionTrigger =
  /** The compiling department's functions changed. */
  | 'function-change'
  /** A law or regulation it rests on was revised. */
  | 'law-revision'
  /** A routine update. */
  | 'routine';

/** Share settings: type, conditions, basis, methods and scope of use. */
export type ShareInfo = {
  __typename?: 'ShareInfo';
  /** CONDITIONAL, NONE: the law or policy the share type rests on. */
  basis?: Maybe<Scalars['String']['output']>;
  /** CONDITIONAL: the conditions of sharing. */
  conditions?: Maybe<Scalars['String']['output']>;
  /** Sharing methods; only `api` is served through GraphQL. */
  methods: Array<Scalars['String']['output']>;
  /** The scope of use. */
  scope: ShareScope;
  /** The share type. */
  type: ShareType;
};

/** Who may use it and what for (使用范围). */
export type ShareScope = {
  __typename?: 'ShareScope';
  /** Department code patterns; null = any department. */
  departments?: Maybe<Array<Scalars['String']['output']>>;
  /** Department levels; null = any level. */
  levels?: Maybe<Array<Scalars['String']['output']>>;
  /** Purpose codes; null = any purpose. */
  purposes?: Maybe<Array<Scalars['String']['output']>>;
};

/** How a resource or an item is shared (共享类型). */
export type ShareType =
  /** Read only with an active grant from the provider (requestSharing). */
  | 'conditional'
  /** Not shared (see basis). */
  | 'none'
  /** Read without a grant, within the scope of use. */
  | 'unconditional';

/** An approver's decision on a pending sharing request. */
export type SharingDecision =
  /** Make a grant of the items, purposes and end date requested, narrowed as the input says. */
  | 'approve'
  /** Refuse the request; a reason is required. */
  | 'reject';

/** A decision on a pending sharing request (decideSharingRequest). */
export type SharingDecisionInput = {
  /** Approve or reject. */
  decision: SharingDecision;
  /** The request's id. At most 128 characters. */
  id: Scalars['ID']['input'];
  /** APPROVE: the items granted, among those requested (default: all requested). At most 200 entries of at most 128 characters each. */
  items?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The decision's comment; required to REJECT. At most 2000 characters. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** APPROVE: division codes narrowing the resource's row scope, within the requester's region (default: its whole region). At most 200 entries of at most 128 characters each. */
  rows?: InputMaybe<Array<Scalars['String']['input']>>;
  /** APPROVE: items read unmasked, among those granted (default: none). At most 200 entries of at most 128 characters each. */
  unmasked?: InputMaybe<Array<Scalars['String']['input']>>;
  /** APPROVE: the grant's end date, no later than the one requested (default: the one requested). */
  until?: InputMaybe<Scalars['Date']['input']>;
};

/** A department's request to read items of a conditional resource (SPEC §9). */
export type SharingRequest = {
  __typename?: 'SharingRequest';
  /** When it was decided (a UTC instant); null while PENDING. */
  decidedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The approver who decided it; null while PENDING. */
  decidedBy?: Maybe<Scalars['String']['output']>;
  /** 10 working days after the request, on the platform's calendar. */
  dueDate: Scalars['Date']['output'];
  /** The grant an approval made. */
  grant?: Maybe<Grant>;
  /** The request's id. */
  id: Scalars['ID']['output'];
  /** The items requested. */
  items: Array<Scalars['String']['output']>;
  /** Why the data is needed. */
  justification: Scalars['String']['output'];
  /** Decided on a day of the platform's calendar (China time, UTC+8) after dueDate; false while PENDING (see overdue). A decision at 01:30 in Beijing the day after the due date is late, though decidedAt reads 17:30 UTC on the due date. */
  late: Scalars['Boolean']['output'];
  /** Still pending after its due date. */
  overdue: Scalars['Boolean']['output'];
  /** The providing department's code: its approvers decide. */
  provider: Scalars['String']['output'];
  /** The purpose codes requested. */
  purposes: Array<Scalars['String']['output']>;
  /** The decision's comment; required for a rejection. */
  reason?: Maybe<Scalars['String']['output']>;
  /** When it was made. */
  requestedAt: Scalars['DateTime']['output'];
  /** The user who made it. */
  requestedBy: Scalars['String']['output'];
  /** The requesting department's code. */
  requester: Scalars['String']['output'];
  /** The resource's code. */
  resource: Scalars['String']['output'];
  /** The resource's name; null when it is no longer published. */
  resourceName?: Maybe<Scalars['String']['output']>;
  /** Where the request stands. */
  status: SharingRequestStatus;
  /** The end date requested. */
  until?: Maybe<Scalars['Date']['output']>;
};

/** A request for a grant (requestSharing). */
export type SharingRequestInput = {
  /** The items requested. At most 200 entries of at most 128 characters each. */
  items: Array<Scalars['String']['input']>;
  /** Why the data is needed, for the approver. At most 2000 characters. */
  justification: Scalars['String']['input'];
  /** The purpose codes the items would serve. At most 200 entries of at most 128 characters each. */
  purposes: Array<Scalars['String']['input']>;
  /** The conditional resource's code. At most 128 characters. */
  resource: Scalars['String']['input'];
  /** The end date requested; none = until revoked. */
  until?: InputMaybe<Scalars['Date']['input']>;
};

/** Where a sharing request stands. */
export type SharingRequestStatus =
  /** Approved: see grant. */
  | 'approved'
  /** Waiting for the provider's approver. */
  | 'pending'
  /** Rejected: see reason. */
  | 'rejected';

/** Which side of a sharing request your department is on. */
export type SharingSide =
  /** Requests for resources your department provides. */
  | 'provider'
  /** Requests your department made. */
  | 'requester';

/** Something a submitted version would repeat or break. A warning never refuses the version. */
export type SubmissionWarning = {
  __typename?: 'SubmissionWarning';
  /** BREAKING_CHANGE: what changes. */
  change?: Maybe<BreakingChange>;
  /** REPEATED_COLLECTION: the data element code. */
  element?: Maybe<Scalars['String']['output']>;
  /** BREAKS_GRANT: the active grants affected (ids). */
  grants?: Maybe<Array<Scalars['ID']['output']>>;
  /** BREAKS_GRANT, BREAKING_CHANGE, RECORDS_LACK_ITEM: the item; null when the warning concerns the whole resource. */
  item?: Maybe<Scalars['String']['output']>;
  /** What the warning is about. */
  kind: SubmissionWarningKind;
  /** The warning, in a sentence. */
  message: Scalars['String']['output'];
  /** BREAKING_CHANGE, REMOVED: where the item, or the removed resource's items, went in this version (an item of the same data element in a resource of the same provider whose key carries the same element, which did not carry it before); null when no move is certain. Records and grants do not carry over. */
  movedTo?: Maybe<Array<ResourceItemRef>>;
  /** Where in the document, e.g. resources[0].items[2]. */
  path: Scalars['String']['output'];
  /** RECORDS_LACK_ITEM: how many stored records lack the item; BREAKING_CHANGE of an enum item that loses values: how many stored records hold one of them. Null when the count is the resource's provider's to tell. */
  records?: Maybe<Scalars['Int']['output']>;
  /** BREAKING_CHANGE, RENAMED: the new name. */
  renamedTo?: Maybe<Scalars['String']['output']>;
  /** BREAKS_GRANT, BREAKING_CHANGE, RECORDS_LACK_ITEM: the resource and item (null: the whole resource); OTHER_PROVIDER: the resource. */
  resource?: Maybe<Scalars['String']['output']>;
  /** REPEATED_COLLECTION: the published resource and item to use instead. */
  useInstead?: Maybe<ResourceItemRef>;
  /** BREAKING_CHANGE: departments whose audited reads of the last 90 days used the resource or item. */
  usedBy?: Maybe<Array<Scalars['String']['output']>>;
};

/** What a submission warning is about. */
export type SubmissionWarningKind =
  /** Against the version in effect, the version removes, renames, retypes or shares more tightly a resource or an item (see change, usedBy). */
  | 'BREAKING_CHANGE'
  /** The version would stop an active grant's holder from reading an item the grant names. */
  | 'BREAKS_GRANT'
  /** A resource of another provider than the compiler, new to the catalogue: once published, its code and records are that provider's for good, and the catalogue may never widen its share settings (see resource). */
  | 'OTHER_PROVIDER'
  /** An item the version requires that the version in effect did not (new, or made required), which stored records of the resource lack: they read null for it until imported again with it (see resource, item, records). */
  | 'RECORDS_LACK_ITEM'
  /** An item collects a data element another department's published resource already provides (Art. 11.3). */
  | 'REPEATED_COLLECTION'
  /** The document is the same catalogue as the latest version of its id, whatever that version's status (key order and spacing do not count): it is stored all the same as a new version. Told at submission only (see the message: the version it repeats and its status). */
  | 'UNCHANGED';

/** What submitCatalogue stored, and what it warns of. */
export type SubmitCatalogueResult = {
  __typename?: 'SubmitCatalogueResult';
  /** The version stored, SUBMITTED. */
  version: CatalogueVersion;
  /** Warnings against the catalogues in effect and the active grants; the version is stored all the same. */
  warnings: Array<SubmissionWarning>;
};

/** Use of resources over a period of platform days, from the audit log. */
export type UsageReport = {
  __typename?: 'UsageReport';
  /** The first day, inclusive. */
  from: Scalars['Date']['output'];
  /** Probes of masked items: supervisors see every department's, a provider those on its resources. */
  maskedProbes: Array<MaskedProbeUsage>;
  /** Per resource you may see, by resource code. */
  resources: Array<ResourceUsage>;
  /** The last day, inclusive. */
  to: Scalars['Date']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AuditAdoption: ResolverTypeWrapper<AuditAdoption>;
  AuditBrokenEntry: ResolverTypeWrapper<AuditBrokenEntry>;
  AuditCheckpoint: ResolverTypeWrapper<AuditCheckpoint>;
  AuditConnection: ResolverTypeWrapper<AuditConnectionModel>;
  AuditDenial: ResolverTypeWrapper<AuditDenial>;
  AuditEntry: ResolverTypeWrapper<AuditEntryModel>;
  AuditFilter: AuditFilter;
  AuditKeyChange: ResolverTypeWrapper<AuditKeyChange>;
  AuditKind: ResolverTypeWrapper<AuditKindModel>;
  AuditOutcome: ResolverTypeWrapper<AuditOutcomeModel>;
  AuditResource: ResolverTypeWrapper<AuditResource>;
  AuditVerification: ResolverTypeWrapper<AuditVerification>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  BreakingChange: ResolverTypeWrapper<BreakingChangeModel>;
  Catalogue: ResolverTypeWrapper<ListedCatalogueModel>;
  CatalogueKind: ResolverTypeWrapper<CatalogueKindModel>;
  CatalogueStatus: ResolverTypeWrapper<VersionStatusModel>;
  CatalogueVersion: ResolverTypeWrapper<ListedVersionModel>;
  ConsistencyPair: ResolverTypeWrapper<ConsistencyPairModel>;
  Date: ResolverTypeWrapper<Scalars['Date']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Demand: ResolverTypeWrapper<DemandModel>;
  DemandAnswerInput: DemandAnswerInput;
  DemandDecision: ResolverTypeWrapper<DemandDecisionModel>;
  DemandInput: DemandInput;
  DemandStatus: ResolverTypeWrapper<DemandStatusModel>;
  Grant: ResolverTypeWrapper<GrantModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ItemAccess: ResolverTypeWrapper<ItemAccess>;
  ItemInfo: ResolverTypeWrapper<ItemViewModel>;
  MaskedProbeUsage: ResolverTypeWrapper<MaskedProbeUsage>;
  Me: ResolverTypeWrapper<Me>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Objection: ResolverTypeWrapper<ObjectionModel>;
  ObjectionAnswerInput: ObjectionAnswerInput;
  ObjectionDecision: ResolverTypeWrapper<ObjectionDecisionModel>;
  ObjectionInput: ObjectionInput;
  ObjectionStatus: ResolverTypeWrapper<ObjectionStatusModel>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RecordObjection: ResolverTypeWrapper<ObjectionModel>;
  RequesterUsage: ResolverTypeWrapper<RequesterUsage>;
  ResourceInfo: ResolverTypeWrapper<ResourceViewModel>;
  ResourceItemRef: ResolverTypeWrapper<ResourceItemRef>;
  ResourceUsage: ResolverTypeWrapper<ResourceUsage>;
  ReviewDecision: ResolverTypeWrapper<ReviewDecisionModel>;
  Revision: ResolverTypeWrapper<RevisionStateModel>;
  RevisionTrigger: ResolverTypeWrapper<RevisionTriggerModel>;
  ShareInfo: ResolverTypeWrapper<ShareViewModel>;
  ShareScope: ResolverTypeWrapper<ShareScope>;
  ShareType: ResolverTypeWrapper<ShareTypeModel>;
  SharingDecision: ResolverTypeWrapper<SharingDecisionModel>;
  SharingDecisionInput: SharingDecisionInput;
  SharingRequest: ResolverTypeWrapper<SharingRequestModel>;
  SharingRequestInput: SharingRequestInput;
  SharingRequestStatus: ResolverTypeWrapper<RequestStatusModel>;
  SharingSide: ResolverTypeWrapper<SharingSideModel>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  SubmissionWarning: ResolverTypeWrapper<SubmissionWarningModel>;
  SubmissionWarningKind: SubmissionWarningKind;
  SubmitCatalogueResult: ResolverTypeWrapper<SubmissionModel>;
  UsageReport: ResolverTypeWrapper<UsageViewModel>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AuditAdoption: AuditAdoption;
  AuditBrokenEntry: AuditBrokenEntry;
  AuditCheckpoint: AuditCheckpoint;
  AuditConnection: AuditConnectionModel;
  AuditDenial: AuditDenial;
  AuditEntry: AuditEntryModel;
  AuditFilter: AuditFilter;
  AuditKeyChange: AuditKeyChange;
  AuditResource: AuditResource;
  AuditVerification: AuditVerification;
  Boolean: Scalars['Boolean']['output'];
  Catalogue: ListedCatalogueModel;
  CatalogueVersion: ListedVersionModel;
  ConsistencyPair: ConsistencyPairModel;
  Date: Scalars['Date']['output'];
  DateTime: Scalars['DateTime']['output'];
  Demand: DemandModel;
  DemandAnswerInput: DemandAnswerInput;
  DemandInput: DemandInput;
  Grant: GrantModel;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  ItemAccess: ItemAccess;
  ItemInfo: ItemViewModel;
  MaskedProbeUsage: MaskedProbeUsage;
  Me: Me;
  Mutation: Record<PropertyKey, never>;
  Objection: ObjectionModel;
  ObjectionAnswerInput: ObjectionAnswerInput;
  ObjectionInput: ObjectionInput;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  RecordObjection: ObjectionModel;
  RequesterUsage: RequesterUsage;
  ResourceInfo: ResourceViewModel;
  ResourceItemRef: ResourceItemRef;
  ResourceUsage: ResourceUsage;
  Revision: RevisionStateModel;
  ShareInfo: ShareViewModel;
  ShareScope: ShareScope;
  SharingDecisionInput: SharingDecisionInput;
  SharingRequest: SharingRequestModel;
  SharingRequestInput: SharingRequestInput;
  String: Scalars['String']['output'];
  SubmissionWarning: SubmissionWarningModel;
  SubmitCatalogueResult: SubmissionModel;
  UsageReport: UsageViewModel;
};

export type AuditAdoptionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditAdoption'] = ResolversParentTypes['AuditAdoption']> = {
  after?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  seq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type AuditBrokenEntryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditBrokenEntry'] = ResolversParentTypes['AuditBrokenEntry']> = {
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  seq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AuditCheckpointResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditCheckpoint'] = ResolversParentTypes['AuditCheckpoint']> = {
  seq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type AuditConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditConnection'] = ResolversParentTypes['AuditConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['AuditEntry']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AuditDenialResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditDenial'] = ResolversParentTypes['AuditDenial']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  item?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuditEntryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditEntry'] = ResolversParentTypes['AuditEntry']> = {
  action?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  addressedTo?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  department?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  detail?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  documentHash?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['AuditKind'], ParentType, ContextType>;
  operationName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['AuditOutcome'], ParentType, ContextType>;
  prevHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  purpose?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  requestId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resources?: Resolver<Array<ResolversTypes['AuditResource']>, ParentType, ContextType>;
  seq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  user?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  via?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type AuditKeyChangeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditKeyChange'] = ResolversParentTypes['AuditKeyChange']> = {
  after?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  previousKeyChecked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  seq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AuditKindResolvers = { OPERATOR: 'operator', READ: 'read', WORKFLOW: 'workflow' };

export type AuditOutcomeResolvers = { ALLOWED: 'allowed', DENIED: 'denied', ERROR: 'error', OK: 'ok', PARTIAL: 'partial', REFUSED: 'refused' };

export type AuditResourceResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditResource'] = ResolversParentTypes['AuditResource']> = {
  counted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  denied?: Resolver<Array<ResolversTypes['AuditDenial']>, ParentType, ContextType>;
  filtered?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  masked?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  ordered?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  records?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuditVerificationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AuditVerification'] = ResolversParentTypes['AuditVerification']> = {
  adopted?: Resolver<Maybe<ResolversTypes['AuditAdoption']>, ParentType, ContextType>;
  checkpoint?: Resolver<Maybe<ResolversTypes['AuditCheckpoint']>, ParentType, ContextType>;
  entries?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  firstBroken?: Resolver<Maybe<ResolversTypes['AuditBrokenEntry']>, ParentType, ContextType>;
  keyChanges?: Resolver<Array<ResolversTypes['AuditKeyChange']>, ParentType, ContextType>;
  ok?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  storeOnly?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type BreakingChangeResolvers = { REMOVED: 'removed', RENAMED: 'renamed', RETYPED: 'retyped', TIGHTENED: 'tightened' };

export type CatalogueResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Catalogue'] = ResolversParentTypes['Catalogue']> = {
  compiler?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['CatalogueKind'], ParentType, ContextType>;
  overdue?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  published?: Resolver<Maybe<ResolversTypes['CatalogueVersion']>, ParentType, ContextType>;
  revision?: Resolver<Maybe<ResolversTypes['Revision']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  versions?: Resolver<Array<ResolversTypes['CatalogueVersion']>, ParentType, ContextType>;
};

export type CatalogueKindResolvers = { BASIC: 'basic', DEPARTMENTAL: 'departmental', SUBJECT: 'subject' };

export type CatalogueStatusResolvers = { APPROVED: 'approved', PUBLISHED: 'published', REJECTED: 'rejected', SUBMITTED: 'submitted', SUPERSEDED: 'superseded', WITHDRAWN: 'withdrawn' };

export type CatalogueVersionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CatalogueVersion'] = ResolversParentTypes['CatalogueVersion']> = {
  compiler?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  document?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['CatalogueKind'], ParentType, ContextType>;
  publishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  resources?: Resolver<Array<ResolversTypes['ResourceInfo']>, ParentType, ContextType>;
  reviewComment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reviewedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  reviewedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  revision?: Resolver<Maybe<ResolversTypes['Revision']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['CatalogueStatus'], ParentType, ContextType>;
  submittedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  submittedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  warnings?: Resolver<Array<ResolversTypes['SubmissionWarning']>, ParentType, ContextType>;
};

export type ConsistencyPairResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ConsistencyPair'] = ResolversParentTypes['ConsistencyPair']> = {
  caseOnlyKeys?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  compared?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  differing?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  element?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  keyElement?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  left?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  leftItem?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  leftKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  right?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rightItem?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rightKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sampleKeys?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  withheld?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export interface DateScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Date'], any> {
  name: 'Date';
}

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DemandResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Demand'] = ResolversParentTypes['Demand']> = {
  answeredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  answeredBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  basis?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  dueDate?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
  fulfilledAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  fulfilledBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  late?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  overdue?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  purposes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  requestedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  requestedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  requester?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resource?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['DemandStatus'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type DemandDecisionResolvers = { CANNOT_SHARE: 'cannot-share', WILL_CATALOGUE: 'will-catalogue' };

export type DemandStatusResolvers = { CANNOT_SHARE: 'cannot-share', FULFILLED: 'fulfilled', OPEN: 'open', WILL_CATALOGUE: 'will-catalogue' };

export type GrantResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Grant'] = ResolversParentTypes['Grant']> = {
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  createdBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  provider?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  purposes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  request?: Resolver<Maybe<ResolversTypes['SharingRequest']>, ParentType, ContextType>;
  requester?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  revokedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  rows?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  setAside?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  setAsideNote?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  unmasked?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  until?: Resolver<Maybe<ResolversTypes['Date']>, ParentType, ContextType>;
};

export type ItemAccessResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ItemAccess'] = ResolversParentTypes['ItemAccess']> = {
  allowed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  code?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  mask?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ItemInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ItemInfo'] = ResolversParentTypes['ItemInfo']> = {
  element?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  mask?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sensitivity?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  share?: Resolver<ResolversTypes['ShareInfo'], ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  yourAccess?: Resolver<ResolversTypes['ItemAccess'], ParentType, ContextType>;
};

export type MaskedProbeUsageResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['MaskedProbeUsage'] = ResolversParentTypes['MaskedProbeUsage']> = {
  day?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
  department?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  refused?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  values?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  via?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type MeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Me'] = ResolversParentTypes['Me']> = {
  department?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  departmentName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  purpose?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  user?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  answerDemand?: Resolver<ResolversTypes['Demand'], ParentType, ContextType, RequireFields<MutationAnswerDemandArgs, 'input'>>;
  answerObjection?: Resolver<ResolversTypes['Objection'], ParentType, ContextType, RequireFields<MutationAnswerObjectionArgs, 'input'>>;
  decideSharingRequest?: Resolver<ResolversTypes['SharingRequest'], ParentType, ContextType, RequireFields<MutationDecideSharingRequestArgs, 'input'>>;
  publishCatalogue?: Resolver<ResolversTypes['CatalogueVersion'], ParentType, ContextType, RequireFields<MutationPublishCatalogueArgs, 'id' | 'version'>>;
  raiseObjection?: Resolver<ResolversTypes['Objection'], ParentType, ContextType, RequireFields<MutationRaiseObjectionArgs, 'input'>>;
  requestData?: Resolver<ResolversTypes['Demand'], ParentType, ContextType, RequireFields<MutationRequestDataArgs, 'input'>>;
  requestSharing?: Resolver<ResolversTypes['SharingRequest'], ParentType, ContextType, RequireFields<MutationRequestSharingArgs, 'input'>>;
  reviewCatalogue?: Resolver<ResolversTypes['CatalogueVersion'], ParentType, ContextType, RequireFields<MutationReviewCatalogueArgs, 'decision' | 'id' | 'version'>>;
  revokeGrant?: Resolver<ResolversTypes['Grant'], ParentType, ContextType, RequireFields<MutationRevokeGrantArgs, 'id'>>;
  submitCatalogue?: Resolver<ResolversTypes['SubmitCatalogueResult'], ParentType, ContextType, RequireFields<MutationSubmitCatalogueArgs, 'document'>>;
  withdrawCatalogue?: Resolver<ResolversTypes['CatalogueVersion'], ParentType, ContextType, RequireFields<MutationWithdrawCatalogueArgs, 'id' | 'reason'>>;
};

export type ObjectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Objection'] = ResolversParentTypes['Objection']> = {
  answer?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  answeredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  answeredBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  correctedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  dueDate?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  item?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  late?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  overdue?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  proposedValue?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  raisedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  raisedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  raisedByUser?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resourceName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ObjectionStatus'], ParentType, ContextType>;
};

export type ObjectionDecisionResolvers = { CONFIRM: 'confirm', REJECT: 'reject' };

export type ObjectionStatusResolvers = { CONFIRMED: 'confirmed', CORRECTED: 'corrected', OPEN: 'open', REJECTED: 'rejected' };

export type PageInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  _empty?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  auditLog?: Resolver<ResolversTypes['AuditConnection'], ParentType, ContextType, RequireFields<QueryAuditLogArgs, 'first'>>;
  catalogue?: Resolver<Maybe<ResolversTypes['Catalogue']>, ParentType, ContextType, RequireFields<QueryCatalogueArgs, 'id'>>;
  catalogues?: Resolver<Array<ResolversTypes['Catalogue']>, ParentType, ContextType, Partial<QueryCataloguesArgs>>;
  consistencyReport?: Resolver<Array<ResolversTypes['ConsistencyPair']>, ParentType, ContextType, Partial<QueryConsistencyReportArgs>>;
  demands?: Resolver<Array<ResolversTypes['Demand']>, ParentType, ContextType, Partial<QueryDemandsArgs>>;
  grants?: Resolver<Array<ResolversTypes['Grant']>, ParentType, ContextType, Partial<QueryGrantsArgs>>;
  me?: Resolver<ResolversTypes['Me'], ParentType, ContextType>;
  objections?: Resolver<Array<ResolversTypes['Objection']>, ParentType, ContextType, Partial<QueryObjectionsArgs>>;
  resourceInfo?: Resolver<Maybe<ResolversTypes['ResourceInfo']>, ParentType, ContextType, RequireFields<QueryResourceInfoArgs, 'code'>>;
  sharingRequests?: Resolver<Array<ResolversTypes['SharingRequest']>, ParentType, ContextType, Partial<QuerySharingRequestsArgs>>;
  usage?: Resolver<ResolversTypes['UsageReport'], ParentType, ContextType, RequireFields<QueryUsageArgs, 'from' | 'to'>>;
  verifyAuditChain?: Resolver<ResolversTypes['AuditVerification'], ParentType, ContextType>;
};

export type RecordObjectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RecordObjection'] = ResolversParentTypes['RecordObjection']> = {
  dueDate?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  item?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ObjectionStatus'], ParentType, ContextType>;
};

export type RequesterUsageResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RequesterUsage'] = ResolversParentTypes['RequesterUsage']> = {
  denied?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  department?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  purpose?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  records?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  requests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  via?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ResourceInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ResourceInfo'] = ResolversParentTypes['ResourceInfo']> = {
  catalogue?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  granted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  graphqlType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['ItemInfo']>, ParentType, ContextType>;
  listField?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lookupField?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  providerName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  share?: Resolver<ResolversTypes['ShareInfo'], ParentType, ContextType>;
  summary?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  updateCycle?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ResourceItemRefResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ResourceItemRef'] = ResolversParentTypes['ResourceItemRef']> = {
  item?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resourceName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ResourceUsageResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ResourceUsage'] = ResolversParentTypes['ResourceUsage']> = {
  byRequester?: Resolver<Array<ResolversTypes['RequesterUsage']>, ParentType, ContextType>;
  denied?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  records?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  requests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ReviewDecisionResolvers = { APPROVE: 'approve', REJECT: 'reject' };

export type RevisionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Revision'] = ResolversParentTypes['Revision']> = {
  dueDate?: Resolver<Maybe<ResolversTypes['Date']>, ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  overdue?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  publishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  since?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
  trigger?: Resolver<ResolversTypes['RevisionTrigger'], ParentType, ContextType>;
};

export type RevisionTriggerResolvers = { FUNCTION_CHANGE: 'function-change', LAW_REVISION: 'law-revision', ROUTINE: 'routine' };

export type ShareInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ShareInfo'] = ResolversParentTypes['ShareInfo']> = {
  basis?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  conditions?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  methods?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  scope?: Resolver<ResolversTypes['ShareScope'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['ShareType'], ParentType, ContextType>;
};

export type ShareScopeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ShareScope'] = ResolversParentTypes['ShareScope']> = {
  departments?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  levels?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  purposes?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
};

export type ShareTypeResolvers = { CONDITIONAL: 'conditional', NONE: 'none', UNCONDITIONAL: 'unconditional' };

export type SharingDecisionResolvers = { APPROVE: 'approve', REJECT: 'reject' };

export type SharingRequestResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SharingRequest'] = ResolversParentTypes['SharingRequest']> = {
  decidedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  decidedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  dueDate?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
  grant?: Resolver<Maybe<ResolversTypes['Grant']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  justification?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  late?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  overdue?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  purposes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  requestedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  requestedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  requester?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resource?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  resourceName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SharingRequestStatus'], ParentType, ContextType>;
  until?: Resolver<Maybe<ResolversTypes['Date']>, ParentType, ContextType>;
};

export type SharingRequestStatusResolvers = { APPROVED: 'approved', PENDING: 'pending', REJECTED: 'rejected' };

export type SharingSideResolvers = { PROVIDER: 'provider', REQUESTER: 'requester' };

export type SubmissionWarningResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SubmissionWarning'] = ResolversParentTypes['SubmissionWarning']> = {
  change?: Resolver<Maybe<ResolversTypes['BreakingChange']>, ParentType, ContextType>;
  element?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  grants?: Resolver<Maybe<Array<ResolversTypes['ID']>>, ParentType, ContextType>;
  item?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['SubmissionWarningKind'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  movedTo?: Resolver<Maybe<Array<ResolversTypes['ResourceItemRef']>>, ParentType, ContextType>;
  path?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  records?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  renamedTo?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  resource?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  useInstead?: Resolver<Maybe<ResolversTypes['ResourceItemRef']>, ParentType, ContextType>;
  usedBy?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
};

export type SubmitCatalogueResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SubmitCatalogueResult'] = ResolversParentTypes['SubmitCatalogueResult']> = {
  version?: Resolver<ResolversTypes['CatalogueVersion'], ParentType, ContextType>;
  warnings?: Resolver<Array<ResolversTypes['SubmissionWarning']>, ParentType, ContextType>;
};

export type UsageReportResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['UsageReport'] = ResolversParentTypes['UsageReport']> = {
  from?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
  maskedProbes?: Resolver<Array<ResolversTypes['MaskedProbeUsage']>, ParentType, ContextType>;
  resources?: Resolver<Array<ResolversTypes['ResourceUsage']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
};

export type Resolvers<ContextType = RequestContext> = {
  AuditAdoption?: AuditAdoptionResolvers<ContextType>;
  AuditBrokenEntry?: AuditBrokenEntryResolvers<ContextType>;
  AuditCheckpoint?: AuditCheckpointResolvers<ContextType>;
  AuditConnection?: AuditConnectionResolvers<ContextType>;
  AuditDenial?: AuditDenialResolvers<ContextType>;
  AuditEntry?: AuditEntryResolvers<ContextType>;
  AuditKeyChange?: AuditKeyChangeResolvers<ContextType>;
  AuditKind?: AuditKindResolvers;
  AuditOutcome?: AuditOutcomeResolvers;
  AuditResource?: AuditResourceResolvers<ContextType>;
  AuditVerification?: AuditVerificationResolvers<ContextType>;
  BreakingChange?: BreakingChangeResolvers;
  Catalogue?: CatalogueResolvers<ContextType>;
  CatalogueKind?: CatalogueKindResolvers;
  CatalogueStatus?: CatalogueStatusResolvers;
  CatalogueVersion?: CatalogueVersionResolvers<ContextType>;
  ConsistencyPair?: ConsistencyPairResolvers<ContextType>;
  Date?: GraphQLScalarType;
  DateTime?: GraphQLScalarType;
  Demand?: DemandResolvers<ContextType>;
  DemandDecision?: DemandDecisionResolvers;
  DemandStatus?: DemandStatusResolvers;
  Grant?: GrantResolvers<ContextType>;
  ItemAccess?: ItemAccessResolvers<ContextType>;
  ItemInfo?: ItemInfoResolvers<ContextType>;
  MaskedProbeUsage?: MaskedProbeUsageResolvers<ContextType>;
  Me?: MeResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Objection?: ObjectionResolvers<ContextType>;
  ObjectionDecision?: ObjectionDecisionResolvers;
  ObjectionStatus?: ObjectionStatusResolvers;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RecordObjection?: RecordObjectionResolvers<ContextType>;
  RequesterUsage?: RequesterUsageResolvers<ContextType>;
  ResourceInfo?: ResourceInfoResolvers<ContextType>;
  ResourceItemRef?: ResourceItemRefResolvers<ContextType>;
  ResourceUsage?: ResourceUsageResolvers<ContextType>;
  ReviewDecision?: ReviewDecisionResolvers;
  Revision?: RevisionResolvers<ContextType>;
  RevisionTrigger?: RevisionTriggerResolvers;
  ShareInfo?: ShareInfoResolvers<ContextType>;
  ShareScope?: ShareScopeResolvers<ContextType>;
  ShareType?: ShareTypeResolvers;
  SharingDecision?: SharingDecisionResolvers;
  SharingRequest?: SharingRequestResolvers<ContextType>;
  SharingRequestStatus?: SharingRequestStatusResolvers;
  SharingSide?: SharingSideResolvers;
  SubmissionWarning?: SubmissionWarningResolvers<ContextType>;
  SubmitCatalogueResult?: SubmitCatalogueResultResolvers<ContextType>;
  UsageReport?: UsageReportResolvers<ContextType>;
};

