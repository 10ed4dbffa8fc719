import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module.js';
import { ChangeVendorHandler } from './application/change-vendor.handler.js';
import { RegisterVendorHandler } from './application/register-vendor.handler.js';
import { ReleaseNibHandler } from './application/release-nib.handler.js';
import { ReleaseUnregisteredNibHandler } from './application/release-unregistered-nib.handler.js';
import { NibsController } from './http/nibs.controller.js';
import { VendorsController } from './http/vendors.controller.js';

@Module({
  imports: [PolicyModule],
  controllers: [VendorsController, NibsController],
  providers: [RegisterVendorHandler, ChangeVendorHandler, ReleaseNibHandler, ReleaseUnregisteredNibHandler],
})
export class VendorsModule {}
