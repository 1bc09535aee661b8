// The note issue 18 asks for on FelixConfiguration documents: which spec fields Palisade keeps as
// written without validating them (decision 0090). Computed from the stored document itself, so it
// costs no statement; empty for every other kind.
import { ResolveField, Parent, Resolver } from '@nestjs/graphql';
import { unvalidatedFelixFields } from '@palisade/policy';
import { RequirePermission } from '../../platform/access/decorators.js';
import { PolicyResourceModel } from '../policies/models/policy.model.js';

@Resolver(() => PolicyResourceModel)
export class FelixNotesResolver {
  @ResolveField('unvalidatedFields', () => [String], {
    description:
      'Spec fields kept exactly as written without validation (FelixConfiguration settings Palisade does not check); empty for other kinds. Roles: any.',
  })
  @RequirePermission('policies:read')
  unvalidatedFields(@Parent() resource: PolicyResourceModel): string[] {
    if (resource.kind !== 'FelixConfiguration') return [];
    const spec = (resource.object as { spec?: object } | null)?.spec;
    return spec ? unvalidatedFelixFields(spec) : [];
  }
}
