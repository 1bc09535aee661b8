import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { MembersModule } from '../members/members.module.js';
import { ViewerResolver } from './viewer.resolver.js';

@Module({ imports: [OrgsModule, MembersModule], providers: [ViewerResolver] })
export class ViewerModule {}
