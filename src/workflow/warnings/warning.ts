// A warning on a submitted catalogue (warnings.ts): what the compiler and the auditor are told.
export type SubmissionWarning =
  | {
      kind: 'REPEATED_COLLECTION';
      path: string;
      message: string;
      element: string;
      useInstead: { resource: string; resourceName: string; provider: string; item: string };
    }
  | {
      kind: 'BREAKS_GRANT';
      path: string;
      message: string;
      resource: string;
      item: string | null;
      grants: string[]; // grant ids
    }
  | {
      kind: 'BREAKING_CHANGE';
      path: string;
      message: string;
      change: BreakingChange;
      resource: string;
      /** null: the resource as a whole. */
      item: string | null;
      /** RENAMED: the new name (of the item carrying the same element, or the resource's new GraphQL type). */
      renamedTo: string | null;
      /**
       * REMOVED: where the item, or the removed resource's items, went in this version (moves.ts: same
       * element, a resource of the same provider with the same key element); absent when none is certain.
       */
      movedTo?: { resource: string; resourceName: string; provider: string; item: string }[];
      /** Departments whose audited reads of the last READERS_DAYS days used it. */
      usedBy: string[];
      /**
       * An enum item that loses values: the stored records holding one of them; null when not the reader's
       * to know (another provider's resource). Absent for any other change.
       */
      records?: number | null;
    }
  | {
      kind: 'OTHER_PROVIDER';
      path: string;
      message: string;
      resource: string;
    }
  | {
      kind: 'RECORDS_LACK_ITEM';
      path: string;
      message: string;
      resource: string;
      item: string;
      /** Stored records that lack the item; null when not the reader's to know (another provider's resource). */
      records: number | null;
    }
  | {
      kind: 'UNCHANGED';
      path: string;
      message: string;
      /** The version the document repeats, and its status. */
      version: number;
      status: string;
    };

export type BreakingChange = 'removed' | 'renamed' | 'retyped' | 'tightened';
