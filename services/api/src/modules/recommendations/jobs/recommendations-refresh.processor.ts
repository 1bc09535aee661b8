// The repeatable `recommendations.refresh-due` job: refreshes the recommendations of every
// organisation whose scope is enabled and whose interval has passed since its last refresh, so
// open recommendations follow the flows as they arrive. Thin: the refresher holds the rules.
import type { RecommendationRefresher } from '../recommendation-refresher.js';
import type { RecommendationsRepository } from '../recommendations.repository.js';

export class RecommendationsRefreshProcessor {
  constructor(
    private readonly repo: RecommendationsRepository,
    private readonly refresher: RecommendationRefresher,
  ) {}

  async run(): Promise<{ refreshed: number }> {
    const due = await this.repo.due();
    for (const orgId of due) await this.refresher.refresh(orgId);
    return { refreshed: due.length };
  }
}
