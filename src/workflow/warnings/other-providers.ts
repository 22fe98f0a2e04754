// OTHER_PROVIDER: a resource of another provider than the compiler, new to the catalogue.
import type { Catalogue } from '../../model/catalogue.ts';
import type { SubmissionWarning } from './warning.ts';

/** Resources of another provider than the compiler that the version in effect (`current`) does not carry. */
export function otherProviders(current: Catalogue | undefined, next: Catalogue): SubmissionWarning[] {
  const carried = new Set(current?.resources.map((r) => r.code) ?? []);
  return next.resources.flatMap((r, i): SubmissionWarning[] =>
    r.provider === next.compiler || carried.has(r.code)
      ? []
      : [{
          kind: 'OTHER_PROVIDER',
          path: `resources[${i}].provider`,
          resource: r.code,
          message: `Resource ${r.code} is provided by ${r.provider}, not by the compiler ${next.compiler}: once published, the code and its records are ${r.provider}'s for good (${r.provider} reads them unmasked and its approvers decide requests for them). This catalogue sets its share settings now; later versions may keep or tighten them, never widen them, and once a version drops the resource only ${r.provider} can publish it again. Check that ${r.provider} agrees to these share settings.`,
        }],
  );
}
