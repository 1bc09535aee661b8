import { Module } from '@nestjs/common';
import { FlowsModule } from '../flows/flows.module.js';
import { PolicyPreviewRepository } from './policy-preview.repository.js';
import { PolicyPreviewResolver } from './policy-preview.resolver.js';
import { PolicyPreviewService } from './policy-preview.service.js';

/** The impact preview of unsaved policy edits over stored flows (issue 14). */
@Module({
  imports: [FlowsModule],
  providers: [PolicyPreviewRepository, PolicyPreviewService, PolicyPreviewResolver],
})
export class PolicyPreviewModule {}
