/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Contract type: the values of item contractType of Employment registration. */
export type EmploymentRegistrationContractType =
  /** fixed_term */
  | 'FIXED_TERM'
  /** open_ended */
  | 'OPEN_ENDED'
  /** part_time */
  | 'PART_TIME'
  /** project_based */
  | 'PROJECT_BASED';

/** Enterprise type: the values of item enterpriseType of Enterprise registration. */
export type EnterpriseRegistrationEnterpriseType =
  /** cooperative */
  | 'COOPERATIVE'
  /** individual_business */
  | 'INDIVIDUAL_BUSINESS'
  /** joint_stock */
  | 'JOINT_STOCK'
  /** limited_liability */
  | 'LIMITED_LIABILITY'
  /** partnership */
  | 'PARTNERSHIP'
  /** sole_proprietorship */
  | 'SOLE_PROPRIETORSHIP';

/** Registration status: the values of item status of Enterprise registration. */
export type EnterpriseRegistrationStatus =
  /** active */
  | 'ACTIVE'
  /** cancelled */
  | 'CANCELLED'
  /** revoked */
  | 'REVOKED'
  /** suspended */
  | 'SUSPENDED';

export type EnterpriseByCreditCodeQueryVariables = Exact<{
  creditCode: string;
}>;


export type EnterpriseByCreditCodeQuery = { marketRegulation: { enterpriseRegistration: { creditCode: string | null, name: string | null, enterpriseType: EnterpriseRegistrationEnterpriseType | null, establishedOn: string | null, registeredCapital: string | null, status: EnterpriseRegistrationStatus | null } | null } };

export type OpenEndedWorkersQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type OpenEndedWorkersQuery = { humanResources: { employmentRegistrations: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ registrationNo: string | null, fullName: string | null, position: string | null, contractType: EmploymentRegistrationContractType | null, contractStart: string | null, employer: { creditCode: string | null, name: string | null, status: EnterpriseRegistrationStatus | null } | null }> } | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const EnterpriseByCreditCodeDocument = new TypedDocumentString(`
    query EnterpriseByCreditCode($creditCode: String!) {
  marketRegulation {
    enterpriseRegistration(creditCode: $creditCode) {
      creditCode
      name
      enterpriseType
      establishedOn
      registeredCapital
      status
    }
  }
}
    `, {"hash":"sha256:3453fe38289ea3111ca85c40df742175a906d2c9e4b863e8ad6f9626472d3a2c"}) as unknown as TypedDocumentString<EnterpriseByCreditCodeQuery, EnterpriseByCreditCodeQueryVariables>;
export const OpenEndedWorkersDocument = new TypedDocumentString(`
    query OpenEndedWorkers($first: Int!, $after: String) {
  humanResources {
    employmentRegistrations(
      first: $first
      after: $after
      filter: {contractType: {eq: OPEN_ENDED}}
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        registrationNo
        fullName
        position
        contractType
        contractStart
        employer {
          creditCode
          name
          status
        }
      }
    }
  }
}
    `, {"hash":"sha256:35914e8682d38a2141ce9ea7e48e607f3e49286e4043f3d25bbfec673c9c90c2"}) as unknown as TypedDocumentString<OpenEndedWorkersQuery, OpenEndedWorkersQueryVariables>;