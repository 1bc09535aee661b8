// The facts about a rule's position that its validation depends on.

export type Direction = 'ingress' | 'egress';

export interface RuleContext {
  direction: Direction;
  /** Global policies must name the namespace of a service. */
  global: boolean;
}
