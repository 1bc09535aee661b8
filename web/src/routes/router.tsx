// The route tree (code-based TanStack Router). The shell (this file, the auth gate and the org
// layout) is in the main chunk; every page is its own lazily loaded chunk. Org-scoped pages live
// under /o/$slug so links and reloads keep the organisation.
// Loaders start the requests a page waits for (the viewer, the organisation, the flow explorer's
// first page) without awaiting them: the router runs them with the page chunks' download, so a
// cold load does not wait for the chunks, then the viewer, then the organisation, before asking
// for the data (decision 0200). The pages read the same queries, under the same keys.
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  type RouterHistory,
} from '@tanstack/react-router';
import { AuthGate } from './auth-gate';
import { HomeRedirect } from './home-redirect';
import { NotFoundPage } from './not-found-page';
import { OrgLayout } from './org-layout';
import { parseAuditSearch } from '../features/audit/search';
import { parseEditorSearch } from '../features/policies/search';
import { flowListQuery } from '../features/flows/flow-list-query';
import { parseFlowSearch, toFlowFilter } from '../features/flows/search';
import { orgHeaderQuery } from '../features/orgs/api';
import { parseGraphSearch } from '../features/service-graph/search';
import { viewerQuery } from '../features/viewer/api';

interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_app',
  component: AuthGate,
  loader: ({ context }) => void context.queryClient.prefetchQuery(viewerQuery),
});

const homeRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: HomeRedirect });

const newOrgRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/new-org',
  component: lazyRouteComponent(() => import('./new-org-page'), 'NewOrgPage'),
});

const orgRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/o/$slug',
  component: OrgLayout,
  loader: ({ context, params }) => void context.queryClient.prefetchQuery(orgHeaderQuery(params.slug)),
});

const dashboardRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./dashboard-page'), 'DashboardPage'),
});

const clustersRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/clusters',
  component: lazyRouteComponent(() => import('./clusters-page'), 'ClustersPage'),
});

const clusterRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/clusters/$name',
  component: lazyRouteComponent(() => import('./cluster-detail-page'), 'ClusterDetailPage'),
});

const policiesRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/policies',
  component: lazyRouteComponent(() => import('./policies-page'), 'PoliciesPage'),
});

const policyEditorRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/policies/editor',
  validateSearch: parseEditorSearch,
  component: lazyRouteComponent(() => import('./policy-editor-page'), 'PolicyEditorPage'),
});

const flowsRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/flows',
  validateSearch: parseFlowSearch,
  loaderDeps: ({ search }) => ({ search }),
  // The relative time range is anchored here, when the view is opened, changed or refreshed (the
  // page's Refresh invalidates the route): every page of one list and its suggestions cover it.
  loader: ({ context, params, deps: { search } }) => {
    const anchor = Date.now();
    const first = flowListQuery(params.slug, toFlowFilter(search, anchor), search.sort ?? 'TIME');
    void context.queryClient.prefetchInfiniteQuery(first);
    return { anchor };
  },
  component: lazyRouteComponent(() => import('./flows-page'), 'FlowsPage'),
});

const serviceGraphRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/service-graph',
  validateSearch: parseGraphSearch,
  component: lazyRouteComponent(() => import('./service-graph-page'), 'ServiceGraphPage'),
});

const recommendationsRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/recommendations',
  component: lazyRouteComponent(() => import('./recommendations-page'), 'RecommendationsPage'),
});

const complianceRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/compliance',
  component: lazyRouteComponent(() => import('./compliance-page'), 'CompliancePage'),
});

const complianceReportRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/compliance/$name',
  component: lazyRouteComponent(() => import('./compliance-report-page'), 'ComplianceReportPage'),
});

const membersRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/members',
  component: lazyRouteComponent(() => import('./members-page'), 'MembersPage'),
});

const tokensRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/tokens',
  component: lazyRouteComponent(() => import('./tokens-page'), 'TokensPage'),
});

const ssoRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/sso',
  component: lazyRouteComponent(() => import('./sso-page'), 'SsoPage'),
});

const auditRoute = createRoute({
  getParentRoute: () => orgRoute,
  path: '/audit',
  validateSearch: parseAuditSearch,
  component: lazyRouteComponent(() => import('./audit-page'), 'AuditPage'),
});

const routeTree = rootRoute.addChildren([
  appRoute.addChildren([
    homeRoute,
    newOrgRoute,
    orgRoute.addChildren([
      dashboardRoute,
      clustersRoute,
      clusterRoute,
      policiesRoute,
      policyEditorRoute,
      flowsRoute,
      serviceGraphRoute,
      recommendationsRoute,
      complianceRoute,
      complianceReportRoute,
      membersRoute,
      tokensRoute,
      ssoRoute,
      auditRoute,
    ]),
  ]),
]);

/** The console's router over the console's query cache; tests pass a memory history. */
export function createAppRouter(queryClient: QueryClient, history?: RouterHistory) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    scrollRestoration: true,
    ...(history ? { history } : {}),
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
