import { Module } from '@nestjs/common';
import { FlowsModule } from '../flows/flows.module.js';
import { PoliciesModule } from '../policies/policies.module.js';
import { RecommendationRefresher } from './recommendation-refresher.js';
import { RecommendationsRepository } from './recommendations.repository.js';
import { OrgRecommendationsResolver, RecommendationsResolver } from './recommendations.resolver.js';
import { RecommendationsService } from './recommendations.service.js';

/** Policy recommendation from uncovered flows (issue 14 item 3, decision 0071). */
@Module({
  imports: [FlowsModule, PoliciesModule],
  providers: [
    RecommendationsRepository,
    RecommendationRefresher,
    RecommendationsService,
    OrgRecommendationsResolver,
    RecommendationsResolver,
  ],
})
export class RecommendationsModule {}
